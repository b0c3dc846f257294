package org.ccarm.events;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.TransitionResult;

/** The event each kind of change records, the same for every store. */
public final class ChangeEvents {

    private ChangeEvents() {}

    /**
     * call_hold: {@code hold} by its holder, at the hold's start; call_unhold:
     * {@code working}, by the operator who released it, at {@code now}.
     */
    public static ConversationEvent applied(TransitionResult.Applied applied, Instant now) {
        Conversation after = applied.after();
        if (after.hold().isPresent()) {
            Hold hold = after.hold().get();
            return ConversationEvent.change(after.domain(), after.id(), ConversationEvent.Status.HOLD, hold.heldBy(),
                    hold.since(), after.operators());
        }
        return ConversationEvent.change(after.domain(), after.id(), ConversationEvent.Status.WORKING,
                applied.actingOperator(), now, after.operators());
    }

    /**
     * The switch feed created or replaced a conversation: {@code hold} by its holder, or
     * {@code working} by no one. The operators it had ({@code former}) and no longer has are
     * its {@code removed}: each hears once that the conversation ended, and nothing after.
     */
    public static ConversationEvent put(Conversation conversation, List<String> former, Instant now) {
        return ConversationEvent.change(conversation.domain(), conversation.id(),
                conversation.isOnHold() ? ConversationEvent.Status.HOLD : ConversationEvent.Status.WORKING,
                conversation.hold().map(Hold::heldBy).orElse(null), now, conversation.operators(),
                removed(former, conversation.operators()));
    }

    /** The operators of {@code former} that {@code now} no longer has, in order. */
    public static List<String> removed(List<String> former, List<String> now) {
        Set<String> left = new LinkedHashSet<>(former);
        left.removeAll(now);
        return List.copyOf(left);
    }

    /** The switch feed ended a conversation that had these operators: {@code released}. */
    public static ConversationEvent removed(ConversationKey key, List<String> operators, Instant now) {
        return ConversationEvent.change(key.domain(), key.conversationId(), ConversationEvent.Status.RELEASED, null, now,
                operators);
    }

    /** A conversation as it is now, for a subscription's snapshot. */
    public static ConversationEvent snapshotOf(Conversation conversation, String epoch, Instant now, boolean reset) {
        return new ConversationEvent(conversation.domain(), epoch, 0, ConversationEvent.Type.SNAPSHOT, conversation.id(),
                conversation.isOnHold() ? ConversationEvent.Status.HOLD : ConversationEvent.Status.WORKING,
                conversation.hold().map(Hold::heldBy).orElse(null),
                conversation.hold().map(Hold::since).orElse(now), conversation.operators(), List.of(), reset);
    }
}
