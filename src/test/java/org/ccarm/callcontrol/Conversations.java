package org.ccarm.callcontrol;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Conversations for tests. */
public final class Conversations {

    public static final Instant SOME_TIME = Instant.parse("2026-11-25T13:03:39.123Z");

    private Conversations() {}

    public static Conversation free(String domain, String id, String... operators) {
        return Conversation.of(domain, id, List.of(operators), Optional.empty());
    }

    public static Conversation heldBy(String holder, String domain, String id, String... operators) {
        return Conversation.of(domain, id, List.of(operators), Optional.of(new Hold(holder, SOME_TIME)));
    }
}
