package org.ccarm.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;

/**
 * The feed's JSON form of a conversation:
 * {@code {"operators": ["1001", "1002"], "held_by": "1001", "held_since": "..."}}
 * as written by the switch, and {@code {"id", "domain", "operators", "held_by",
 * "held_since"}} as read back. Reading is strict (unknown fields, wrong types and
 * empty ids are refused with a message naming the field) so that a feed mistake
 * cannot create a conversation nobody meant.
 */
public final class ConversationJson {

    private static final Set<String> WRITABLE_FIELDS = Set.of("operators", "held_by", "held_since");

    private final ObjectMapper mapper;
    private final Clock clock;

    public ConversationJson(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Reads a conversation as the switch reports it. Without {@code held_since}, a
     * conversation reported as held is held since now.
     */
    public Conversation read(String domain, String id, byte[] json) throws InvalidConversationException {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConversationException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidConversationException("the body cannot be read as JSON");
        }
        return fromNode(domain, id, node);
    }

    /** Reads one conversation of a fixture or feed document, already parsed. */
    public Conversation fromNode(String domain, String id, JsonNode node) throws InvalidConversationException {
        if (node == null || !node.isObject()) {
            throw new InvalidConversationException("a conversation must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!WRITABLE_FIELDS.contains(name)) {
                throw new InvalidConversationException("unknown field '" + name
                        + "': a conversation has operators, held_by and held_since");
            }
        }
        List<String> operators = operators(node.get("operators"));
        Optional<String> heldBy = optionalText(node, "held_by");
        Optional<String> heldSince = optionalText(node, "held_since");
        if (heldBy.isEmpty() && heldSince.isPresent()) {
            throw new InvalidConversationException("held_since is given but held_by is not");
        }
        if (heldBy.isPresent() && !operators.contains(heldBy.get())) {
            throw new InvalidConversationException("held_by " + heldBy.get() + " is not one of the operators");
        }
        Optional<Hold> hold = Optional.empty();
        if (heldBy.isPresent()) {
            Instant since = heldSince.isPresent() ? instant(heldSince.get()) : clock.instant();
            hold = Optional.of(new Hold(heldBy.get(), since));
        }
        try {
            return Conversation.of(domain, id, operators, hold);
        } catch (IllegalArgumentException e) {
            throw new InvalidConversationException(e.getMessage());
        }
    }

    public ObjectNode write(Conversation conversation) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", conversation.id());
        node.put("domain", conversation.domain());
        ArrayNode operators = node.putArray("operators");
        conversation.operators().forEach(operators::add);
        node.put("held_by", conversation.hold().map(Hold::heldBy).orElse(null));
        node.put("held_since", conversation.hold().map(h -> h.since().toString()).orElse(null));
        return node;
    }

    private static List<String> operators(JsonNode node) throws InvalidConversationException {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new InvalidConversationException("operators must be a non-empty array of operator ids");
        }
        List<String> operators = new ArrayList<>();
        for (JsonNode operator : node) {
            if (!operator.isTextual() || operator.asText().isEmpty()) {
                throw new InvalidConversationException("every operator must be a non-empty string, not " + operator);
            }
            operators.add(operator.asText());
        }
        return operators;
    }

    private static Optional<String> optionalText(JsonNode node, String field) throws InvalidConversationException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidConversationException(field + " must be a non-empty string or null");
        }
        return Optional.of(value.asText());
    }

    private static Instant instant(String text) throws InvalidConversationException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidConversationException("held_since must be an ISO-8601 UTC instant such as 2026-11-25T13:03:39.123Z");
        }
    }
}
