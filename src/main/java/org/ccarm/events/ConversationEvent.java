package org.ccarm.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Caller;

/**
 * One event of a domain's stream: a change of a conversation (or, in a subscription's
 * catch-up, an entry of its snapshot).
 *
 * @param epoch          the id of the domain's stream; seqs of different epochs are unrelated
 * @param seq            the change's place in the domain's stream, rising by one per change;
 *                       0 for a snapshot entry, which is no change
 * @param conversationId null for {@link Type#SNAPSHOT_END}
 * @param operatorId     {@code hold}: who holds it; {@code working}: who released it (null
 *                       when the switch feed made the change); null for {@code released}
 * @param operators      the conversation's operators (before it ended, for {@code released}):
 *                       the event goes to the subscriptions of those operators, and a client
 *                       reads them to place the conversation (a supervisor's page groups by them)
 * @param removed        operators the change took out of the conversation (the switch feed
 *                       replaced it): each hears once that, for it, the conversation ended
 * @param reset          a snapshot entry sent because {@code since} could not be replayed
 * @param caller         who called, for a call the server carries (SIP); null otherwise
 */
public record ConversationEvent(String domain, String epoch, long seq, Type type, String conversationId,
                                Status status, String operatorId, Instant at, List<String> operators,
                                List<String> removed, boolean reset, Caller caller) {

    /** What the event is: a change, or part of a subscription's snapshot. */
    public enum Type {
        CONVERSATION("conversation"), SNAPSHOT("snapshot"), SNAPSHOT_END("snapshot_end");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** The conversation's status after the event, as the vendor's call objects name it. */
    public enum Status {
        HOLD("hold"), WORKING("working"), RELEASED("released");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Status ofWire(String wire) {
            for (Status status : values()) {
                if (status.wire.equals(wire)) {
                    return status;
                }
            }
            throw new IllegalArgumentException("no event status " + wire);
        }
    }

    /** An event of a conversation without a caller (the switch feed's). */
    public ConversationEvent(String domain, String epoch, long seq, Type type, String conversationId, Status status,
                             String operatorId, Instant at, List<String> operators, List<String> removed, boolean reset) {
        this(domain, epoch, seq, type, conversationId, status, operatorId, at, operators, removed, reset, null);
    }

    public ConversationEvent {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(type, "type");
        operators = List.copyOf(operators);
        removed = List.copyOf(removed);
    }

    /** A change of a conversation, as a store records it (its seq is given when it is recorded). */
    public static ConversationEvent change(String domain, String conversationId, Status status, String operatorId,
                                           Instant at, List<String> operators) {
        return change(domain, conversationId, status, operatorId, at, operators, List.of());
    }

    /** A change that also took {@code removed} out of the conversation. */
    public static ConversationEvent change(String domain, String conversationId, Status status, String operatorId,
                                           Instant at, List<String> operators, List<String> removed) {
        return new ConversationEvent(domain, "", 0, Type.CONVERSATION, Objects.requireNonNull(conversationId),
                Objects.requireNonNull(status), operatorId, Objects.requireNonNull(at), operators, removed, false);
    }

    /** This change recorded at {@code seq} of the stream {@code epoch}. */
    public ConversationEvent recordedAt(String streamEpoch, long streamSeq) {
        return new ConversationEvent(domain, streamEpoch, streamSeq, type, conversationId, status, operatorId, at,
                operators, removed, reset, caller);
    }

    /** This event naming its caller. */
    public ConversationEvent withCaller(Caller who) {
        return new ConversationEvent(domain, epoch, seq, type, conversationId, status, operatorId, at, operators, removed,
                reset, who);
    }

    /** The end of a snapshot: the seq of the last change the snapshot may not show. */
    public static ConversationEvent snapshotEnd(String domain, String epoch, long seq, Instant at, boolean reset) {
        return new ConversationEvent(domain, epoch, seq, Type.SNAPSHOT_END, null, null, null, at, List.of(), List.of(),
                reset);
    }

    /** Whether a subscription to {@code operatorIds} (null: the whole domain) hears of this event at all. */
    public boolean concerns(Set<String> operatorIds) {
        return operatorIds == null || anyOf(operators, operatorIds) || anyOf(removed, operatorIds);
    }

    /**
     * The event as a subscription to {@code operatorIds} (null: the whole domain) sees it:
     * as it is when it watches the whole domain or one of the conversation's operators; for
     * one that watches only operators the change took out, {@code released} with no
     * operator (for them the conversation ended: a workstation drops the row, and learns
     * nothing of who has it now); empty when it does not concern the subscription.
     */
    public Optional<ConversationEvent> viewFor(Set<String> operatorIds) {
        if (operatorIds == null || anyOf(operators, operatorIds)) {
            return Optional.of(this);
        }
        if (anyOf(removed, operatorIds)) {
            return Optional.of(new ConversationEvent(domain, epoch, seq, type, conversationId, Status.RELEASED, null, at,
                    List.of(), List.of(), reset, caller));
        }
        return Optional.empty();
    }

    private static boolean anyOf(List<String> operatorList, Set<String> operatorIds) {
        for (String operator : operatorList) {
            if (operatorIds.contains(operator)) {
                return true;
            }
        }
        return false;
    }
}
