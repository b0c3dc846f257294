package org.ccarm.store.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;

/**
 * A conversation as the fields of its Redis hash: {@code o} the operators (each as its
 * length, a colon and itself, so any text is safe), {@code h} who holds it and {@code s}
 * since when in epoch milliseconds (both absent when not held), {@code v} its version.
 */
final class StoredFields {

    static final String OPERATORS = "o";
    static final String HELD_BY = "h";
    static final String SINCE = "s";
    static final String VERSION = "v";

    private StoredFields() {}

    static String operators(List<String> operators) {
        StringBuilder encoded = new StringBuilder();
        for (String operator : operators) {
            encoded.append(operator.length()).append(':').append(operator);
        }
        return encoded.toString();
    }

    static List<String> operators(String encoded) {
        List<String> operators = new ArrayList<>();
        int i = 0;
        while (i < encoded.length()) {
            int colon = encoded.indexOf(':', i);
            int length = Integer.parseInt(encoded.substring(i, colon));
            operators.add(encoded.substring(colon + 1, colon + 1 + length));
            i = colon + 1 + length;
        }
        return operators;
    }

    /** The conversation a hash holds; empty when there is no such hash. */
    static Optional<Conversation> conversation(ConversationKey key, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        String heldBy = fields.get(HELD_BY);
        Optional<Hold> hold = heldBy == null ? Optional.empty()
                : Optional.of(new Hold(heldBy, Instant.ofEpochMilli(Long.parseLong(fields.get(SINCE)))));
        return Optional.of(Conversation.of(key.domain(), key.conversationId(), operators(fields.get(OPERATORS)), hold,
                Long.parseLong(fields.get(VERSION))));
    }
}
