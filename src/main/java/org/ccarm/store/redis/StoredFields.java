package org.ccarm.store.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;

/**
 * A conversation as its Redis hash: {@code v} its version, {@code d} its state as
 * {@link ConversationCodec#encode} writes it. Also reads the layout of earlier releases
 * (the operators, holder and start as fields of their own), so that a store written by
 * one of them can be brought up to date ({@link Scripts#UPGRADE_LAYOUT}).
 */
final class StoredFields {

    static final String VERSION = "v";
    static final String STATE = "d";

    private StoredFields() {}

    /** The conversation a hash holds; empty when there is no such hash. */
    static Optional<Conversation> conversation(ConversationKey key, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        long version = Long.parseLong(fields.get(VERSION));
        String state = fields.get(STATE);
        if (state == null) {
            return Optional.of(earlierLayout(key, version, fields));
        }
        return Optional.of(ConversationCodec.decode(key.domain(), key.conversationId(), version, state));
    }

    /** Whether a hash is in the layout of earlier releases. */
    static boolean isEarlierLayout(Map<String, String> fields) {
        return fields != null && !fields.containsKey(STATE) && fields.containsKey("o");
    }

    /** {@code o} the operators (each as its length, a colon and itself), {@code h} the holder, {@code s} since when (ms). */
    private static Conversation earlierLayout(ConversationKey key, long version, Map<String, String> fields) {
        String heldBy = fields.get("h");
        Optional<Hold> hold = heldBy == null ? Optional.empty()
                : Optional.of(new Hold(heldBy, Instant.ofEpochMilli(Long.parseLong(fields.get("s")))));
        return Conversation.of(key.domain(), key.conversationId(), earlierOperators(fields.get("o")), hold, version);
    }

    /** Operators as earlier releases wrote them, in hashes and stream entries: each as its length, a colon and itself. */
    static List<String> earlierOperators(String encoded) {
        List<String> operators = new ArrayList<>();
        int i = 0;
        while (i < encoded.length()) {
            int colon = encoded.indexOf(':', i);
            int end = colon + 1 + Integer.parseInt(encoded.substring(i, colon));
            operators.add(encoded.substring(colon + 1, end));
            i = end;
        }
        return operators;
    }
}
