package org.ccarm.events;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;

/** The event each kind of change records, the same for every store. */
public final class ChangeEvents {

    private ChangeEvents() {}

    /**
     * The event of a change, computed from the states before and after it (null before a
     * conversation existed, null after it ended), whatever made the change: a command, the
     * switch feed, a phone. The status is the state's after it: {@code hold} by its holder
     * at the hold's start; {@code working} by {@code acting} (the operator who released it,
     * null when the switch made it so) at {@code now}; {@code released} by no one at
     * {@code now}. Its operators are those of the state after it (before it, for
     * {@code released}); those the change took out are its {@code removed}: each hears once
     * that, for it, the conversation ended, and nothing after.
     */
    public static ConversationEvent between(Conversation before, Conversation after, String acting, Instant now) {
        ConversationEvent event = withoutCaller(before, after, acting, now);
        Conversation state = after != null ? after : before;
        return state.caller().isPresent() ? event.withCaller(state.caller().get()) : event;
    }

    private static ConversationEvent withoutCaller(Conversation before, Conversation after, String acting, Instant now) {
        if (after == null) {
            Conversation ended = Objects.requireNonNull(before, "a change has a state before or after it");
            return ConversationEvent.change(ended.domain(), ended.id(), ConversationEvent.Status.RELEASED, null, now,
                    ended.operators());
        }
        List<String> removed = before == null ? List.of() : removed(before.operators(), after.operators());
        if (after.hold().isPresent()) {
            Hold hold = after.hold().get();
            return ConversationEvent.change(after.domain(), after.id(), ConversationEvent.Status.HOLD, hold.heldBy(),
                    hold.since(), after.operators(), removed);
        }
        return ConversationEvent.change(after.domain(), after.id(), ConversationEvent.Status.WORKING, acting, now,
                after.operators(), removed);
    }

    /** The operators of {@code former} that {@code now} no longer has, in order. */
    private static List<String> removed(List<String> former, List<String> now) {
        if (now.containsAll(former)) {
            return List.of(); // the common case, a change that keeps its operators: no set to build
        }
        Set<String> left = new LinkedHashSet<>(former);
        left.removeAll(now);
        return List.copyOf(left);
    }

    /** A conversation as it is now, for a subscription's snapshot. */
    public static ConversationEvent snapshotOf(Conversation conversation, String epoch, Instant now, boolean reset) {
        return new ConversationEvent(conversation.domain(), epoch, 0, ConversationEvent.Type.SNAPSHOT, conversation.id(),
                conversation.isOnHold() ? ConversationEvent.Status.HOLD : ConversationEvent.Status.WORKING,
                conversation.hold().map(Hold::heldBy).orElse(null),
                conversation.hold().map(Hold::since).orElse(now), conversation.operators(), List.of(), reset,
                conversation.caller().orElse(null));
    }
}
