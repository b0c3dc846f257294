package org.ccarm.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.OperatorIds;
import org.ccarm.protocol.json.JsonForm;

/**
 * The feed's JSON form of a conversation:
 * {@code {"operators": ["1001", "1002"], "held_by": "1001", "held_since": "..."}} as
 * the switch writes it, and with {@code id} and {@code domain} as read back: the fields
 * of {@link ConversationCodec}, by its names and kinds, so a new field of a conversation
 * is read and written here without a change. Reading is
 * as strict as the command API's: one JSON value and nothing after it, no duplicate
 * key, no unknown field, no number or boolean where a string belongs, instants as
 * {@link FeedInstant} says; a feed mistake cannot create a conversation nobody meant.
 */
public final class ConversationJson {

    /** An error of the feed, as it answers it. */
    @JsonPropertyOrder({"error", "detail"})
    record Error(@JsonProperty("error") String error, @JsonProperty("detail") String detail) {}

    private final ObjectMapper mapper = strictMapper();
    private final Clock clock;

    public ConversationJson(Clock clock) {
        this.clock = clock;
    }

    /** A mapper that refuses anything a careful writer would not send. */
    static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Reads a conversation as the switch reports it: an object of the fields
     * {@link ConversationCodec#FIELDS} names, of their kinds. Without {@code held_since}, a
     * conversation reported as held is held since now.
     */
    public Conversation read(String domain, String id, byte[] json) throws InvalidConversationException {
        if (!JsonForm.looksLikeUtf8(json)) {
            throw new InvalidConversationException("the feed's JSON is UTF-8; this body is UTF-16 or UTF-32");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConversationException("the body is not a conversation: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConversationException("the body cannot be read as JSON");
        }
        return conversation(domain, id, tree);
    }

    /** Reads a fixture file: a JSON array of reported conversations, each with its {@code id}. */
    public List<Conversation> readFixture(String domain, InputStream in) throws InvalidConversationException, IOException {
        JsonNode entries;
        try {
            entries = mapper.readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidConversationException("not a JSON array of conversations: " + e.getOriginalMessage());
        }
        if (entries == null || !entries.isArray()) {
            throw new InvalidConversationException("a fixture must be a JSON array of conversations");
        }
        List<Conversation> conversations = new ArrayList<>();
        for (int index = 0; index < entries.size(); index++) {
            JsonNode entry = entries.get(index);
            JsonNode entryId = entry.isObject() ? ((ObjectNode) entry).remove("id") : null;
            if (entryId == null || !entryId.isTextual() || entryId.asText().isEmpty()) {
                throw new InvalidConversationException("entry " + index + " needs a non-empty string id");
            }
            try {
                conversations.add(conversation(domain, entryId.asText(), entry));
            } catch (InvalidConversationException e) {
                throw new InvalidConversationException("entry " + index + " (" + entryId.asText() + "): " + e.getMessage());
            }
        }
        return conversations;
    }

    /** The conversation as read back: its {@code id}, {@code domain}, and every field (null when it has no value). */
    public byte[] write(Conversation conversation) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", conversation.id());
        shown.put("domain", conversation.domain());
        Map<String, Object> values = ConversationCodec.values(conversation);
        for (ConversationCodec.Field field : ConversationCodec.FIELDS) {
            Object value = values.get(field.name());
            shown.put(field.name(), value instanceof Instant instant ? instant.toString() : value);
        }
        return bytes(shown);
    }

    /** {@code {"error": "...", "detail": "..."}}, the feed's error body. */
    public byte[] error(String error, String detail) {
        return bytes(new Error(error, detail));
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings, lists of strings and maps of them always serialise", e);
        }
    }

    /**
     * The conversation a JSON object reports: each member one of the codec's fields, typed
     * as its kind says (null is no value), the operators valid ids; then the record's own
     * rules (a holder takes part).
     */
    private Conversation conversation(String domain, String id, JsonNode tree) throws InvalidConversationException {
        if (tree == null || !tree.isObject()) {
            throw new InvalidConversationException("a conversation must be a JSON object");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : tree.properties()) {
            ConversationCodec.Field field = ConversationCodec.FIELDS.stream()
                    .filter(f -> f.name().equals(member.getKey())).findFirst()
                    .orElseThrow(() -> new InvalidConversationException("unknown field \"" + member.getKey()
                            + "\"; a conversation has " + ConversationCodec.FIELDS.stream()
                            .map(ConversationCodec.Field::name).toList()));
            if (!field.reported()) {
                throw new InvalidConversationException(field.name() + " is the server's to say (a SIP call's); the "
                        + "switch feed cannot set it");
            }
            if (!member.getValue().isNull()) {
                values.put(field.name(), value(field, member.getValue()));
            }
        }
        for (ConversationCodec.Field field : ConversationCodec.FIELDS) {
            if (field.required() && !values.containsKey(field.name())) {
                throw new InvalidConversationException(field.name() + " is required");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> operators = (List<String>) values.get(ConversationCodec.OPERATORS);
        for (String operator : operators) {
            if (!OperatorIds.isValid(operator)) {
                throw new InvalidConversationException("operator '" + operator + "': " + OperatorIds.rule());
            }
        }
        if (values.containsKey(ConversationCodec.HELD_BY)) {
            values.putIfAbsent(ConversationCodec.HELD_SINCE, clock.instant());
        }
        try {
            return ConversationCodec.fromValues(domain, id, 0, values);
        } catch (IllegalArgumentException e) {
            throw new InvalidConversationException(e.getMessage());
        }
    }

    /** A member's value as its field's kind wants it: strings never coerced from numbers or booleans. */
    private static Object value(ConversationCodec.Field field, JsonNode node) throws InvalidConversationException {
        String name = field.name();
        switch (field.kind()) {
            case TEXT -> {
                return text(name, node);
            }
            case INSTANT -> {
                return FeedInstant.parse(name, text(name, node));
            }
            case TEXT_LIST -> {
                if (!node.isArray() || node.isEmpty()) {
                    throw new InvalidConversationException(name + " must be a non-empty array of non-empty strings");
                }
                List<String> items = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    if (!item.isTextual() || item.asText().isEmpty()) {
                        throw new InvalidConversationException(name + " must be a non-empty array of non-empty strings");
                    }
                    items.add(item.asText());
                }
                return items;
            }
            default -> throw new IllegalStateException("a kind without a reader: " + field.kind());
        }
    }

    private static String text(String name, JsonNode node) throws InvalidConversationException {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new InvalidConversationException(name + " must be a non-empty string or null");
        }
        return node.asText();
    }
}
