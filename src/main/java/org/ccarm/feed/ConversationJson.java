package org.ccarm.feed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.OperatorIds;
import org.ccarm.protocol.json.JsonForm;

/**
 * The feed's JSON form of a conversation:
 * {@code {"operators": ["1001", "1002"], "held_by": "1001", "held_since": "..."}} as
 * the switch writes it, and with {@code id} and {@code domain} as read back. Reading is
 * as strict as the command API's: one JSON value and nothing after it, no duplicate
 * key, no unknown field, no number or boolean where a string belongs, instants as
 * {@link FeedInstant} says; a feed mistake cannot create a conversation nobody meant.
 */
public final class ConversationJson {

    /** A conversation as the switch reports it. */
    record Reported(@JsonProperty("operators") List<String> operators,
                    @JsonProperty("held_by") String heldBy,
                    @JsonProperty("held_since") String heldSince) {}

    /** One entry of a fixture file: a reported conversation with its id. */
    record FixtureEntry(@JsonProperty("id") String id,
                        @JsonProperty("operators") List<String> operators,
                        @JsonProperty("held_by") String heldBy,
                        @JsonProperty("held_since") String heldSince) {
        Reported reported() {
            return new Reported(operators, heldBy, heldSince);
        }
    }

    /** A conversation as read back. */
    @JsonPropertyOrder({"id", "domain", "operators", "held_by", "held_since"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Shown(@JsonProperty("id") String id, @JsonProperty("domain") String domain,
                 @JsonProperty("operators") List<String> operators,
                 @JsonProperty("held_by") String heldBy, @JsonProperty("held_since") String heldSince) {}

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
     * Reads a conversation as the switch reports it. Without {@code held_since}, a
     * conversation reported as held is held since now.
     */
    public Conversation read(String domain, String id, byte[] json) throws InvalidConversationException {
        if (!JsonForm.looksLikeUtf8(json)) {
            throw new InvalidConversationException("the feed's JSON is UTF-8; this body is UTF-16 or UTF-32");
        }
        return conversation(domain, id, parse(json, mapper.constructType(Reported.class)));
    }

    /** Reads a fixture file: a JSON array of reported conversations, each with its id. */
    public List<Conversation> readFixture(String domain, InputStream in) throws InvalidConversationException, IOException {
        List<FixtureEntry> entries;
        try {
            entries = mapper.readValue(in, mapper.getTypeFactory().constructCollectionType(List.class, FixtureEntry.class));
        } catch (JsonProcessingException e) {
            throw new InvalidConversationException("not a JSON array of conversations: " + e.getOriginalMessage());
        }
        if (entries == null) {
            throw new InvalidConversationException("a fixture must be a JSON array of conversations");
        }
        List<Conversation> conversations = new ArrayList<>();
        for (int index = 0; index < entries.size(); index++) {
            FixtureEntry entry = entries.get(index);
            if (entry == null || entry.id() == null || entry.id().isEmpty()) {
                throw new InvalidConversationException("entry " + index + " needs a non-empty string id");
            }
            try {
                conversations.add(conversation(domain, entry.id(), entry.reported()));
            } catch (InvalidConversationException e) {
                throw new InvalidConversationException("entry " + index + " (" + entry.id() + "): " + e.getMessage());
            }
        }
        return conversations;
    }

    public byte[] write(Conversation conversation) {
        Optional<Hold> hold = conversation.hold();
        return bytes(new Shown(conversation.id(), conversation.domain(), conversation.operators(),
                hold.map(Hold::heldBy).orElse(null), hold.map(h -> h.since().toString()).orElse(null)));
    }

    /** {@code {"error": "...", "detail": "..."}}, the feed's error body. */
    public byte[] error(String error, String detail) {
        return bytes(new Error(error, detail));
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings always serialises", e);
        }
    }

    private <T> T parse(byte[] json, JavaType type) throws InvalidConversationException {
        try {
            T value = mapper.readValue(json, type);
            if (value == null) {
                throw new InvalidConversationException("a conversation must be a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new InvalidConversationException("the body is not a conversation: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConversationException("the body cannot be read as JSON");
        }
    }

    private Conversation conversation(String domain, String id, Reported reported) throws InvalidConversationException {
        List<String> operators = reported.operators();
        if (operators == null || operators.isEmpty() || operators.stream().anyMatch(o -> o == null || o.isEmpty())) {
            throw new InvalidConversationException("operators must be a non-empty array of non-empty operator ids");
        }
        for (String operator : operators) {
            if (!OperatorIds.isValid(operator)) {
                throw new InvalidConversationException("operator '" + operator + "': " + OperatorIds.rule());
            }
        }
        String heldBy = reported.heldBy();
        if (heldBy != null && heldBy.isEmpty()) {
            throw new InvalidConversationException("held_by must be a non-empty string or null");
        }
        if (heldBy == null && reported.heldSince() != null) {
            throw new InvalidConversationException("held_since is given but held_by is not");
        }
        if (heldBy != null && !operators.contains(heldBy)) {
            throw new InvalidConversationException("held_by " + heldBy + " is not one of the operators");
        }
        Optional<Hold> hold = Optional.empty();
        if (heldBy != null) {
            Instant since = reported.heldSince() != null ? FeedInstant.parse("held_since", reported.heldSince()) : clock.instant();
            hold = Optional.of(new Hold(heldBy, since));
        }
        try {
            return Conversation.of(domain, id, operators, hold);
        } catch (IllegalArgumentException e) {
            throw new InvalidConversationException(e.getMessage());
        }
    }
}
