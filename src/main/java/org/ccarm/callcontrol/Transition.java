package org.ccarm.callcontrol;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A conditional change of one conversation's hold. A transition is a pure function
 * of the current state, so a store can apply it atomically (under a lock, in a
 * compare-and-set loop, or as a server-side script) without the caller ever doing
 * read-modify-write.
 *
 * <p>With an {@link Actor} (authentication on), two rules of rights come first: an
 * operator who does not take part in the conversation is told it does not exist,
 * exactly as for a missing one, so rights leak nothing about other people's calls; and
 * only a supervisor may name another operator in {@code operator_id}.
 */
public sealed interface Transition {

    /** Checks the rules against {@code current} and returns the new state or a refusal. */
    TransitionResult applyTo(Conversation current);

    /**
     * call_hold: the conversation must not be on hold; the acting operator is
     * {@code operatorId}, or without it the actor (an operator), or the conversation's
     * sole operator (no actor, or a supervisor); that operator must take part; the hold
     * is recorded with who and when.
     */
    record PlaceHold(Optional<String> operatorId, Instant at, Optional<Actor> actor) implements Transition {

        public PlaceHold {
            Objects.requireNonNull(operatorId, "operatorId");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(actor, "actor");
        }

        public PlaceHold(Optional<String> operatorId, Instant at) {
            this(operatorId, at, Optional.empty());
        }

        @Override
        public TransitionResult applyTo(Conversation current) {
            Optional<TransitionResult> denied = Rights.check(current, operatorId, actor);
            if (denied.isPresent()) {
                return denied.get();
            }
            String id = current.id();
            Optional<Hold> existing = current.hold();
            if (existing.isPresent()) {
                return new TransitionResult.Refused(Refusal.ALREADY_ON_HOLD,
                        "conversation " + id + " is already on hold by operator " + existing.get().heldBy(),
                        operatorId.orElse(null), current.version());
            }
            String acting;
            if (operatorId.isPresent()) {
                acting = operatorId.get();
            } else if (actor.isPresent() && !actor.get().supervisor()) {
                acting = actor.get().operatorId(); // the requesting operator
            } else if (current.operators().size() == 1) {
                acting = current.operators().get(0);
            } else {
                return new TransitionResult.Refused(Refusal.OPERATOR_REQUIRED,
                        "conversation " + id + " has " + current.operators().size()
                                + " operators: operator_id is required to say who holds it", null, current.version());
            }
            if (!current.hasParticipant(acting)) {
                return new TransitionResult.Refused(Refusal.NOT_A_PARTICIPANT,
                        "operator " + acting + " does not take part in conversation " + id, acting, current.version());
            }
            return new TransitionResult.Applied(current.withHold(new Hold(acting, at)), acting);
        }
    }

    /**
     * call_unhold: the conversation must be on hold; the acting operator is
     * {@code operatorId}, or without it the operator who requested the hold (also when
     * the actor is another participant); that operator must take part; then the hold is
     * released.
     */
    record ReleaseHold(Optional<String> operatorId, Optional<Actor> actor) implements Transition {

        public ReleaseHold {
            Objects.requireNonNull(operatorId, "operatorId");
            Objects.requireNonNull(actor, "actor");
        }

        public ReleaseHold(Optional<String> operatorId) {
            this(operatorId, Optional.empty());
        }

        @Override
        public TransitionResult applyTo(Conversation current) {
            Optional<TransitionResult> denied = Rights.check(current, operatorId, actor);
            if (denied.isPresent()) {
                return denied.get();
            }
            String id = current.id();
            Optional<Hold> hold = current.hold();
            if (hold.isEmpty()) {
                return new TransitionResult.Refused(Refusal.NOT_ON_HOLD,
                        "conversation " + id + " is not on hold", operatorId.orElse(null), current.version());
            }
            String acting = operatorId.orElse(hold.get().heldBy());
            if (!current.hasParticipant(acting)) {
                return new TransitionResult.Refused(Refusal.NOT_A_PARTICIPANT,
                        "operator " + acting + " does not take part in conversation " + id, acting, current.version());
            }
            return new TransitionResult.Applied(current.withHold(null), acting);
        }
    }

    /**
     * {@code change}, asked of an instance that does not carry the conversation's call: the
     * rules run as always, but a change they allow of a call that an instance carries (SIP,
     * {@link Conversation#owner}) is refused {@link Refusal#CARRIED_ELSEWHERE}: only that
     * instance can change the media, and records the change after it. Other conversations
     * change as {@code change} says.
     */
    record NotCarriedHere(Transition change) implements Transition {

        public NotCarriedHere {
            Objects.requireNonNull(change, "change");
        }

        @Override
        public TransitionResult applyTo(Conversation current) {
            TransitionResult result = change.applyTo(current);
            if (result instanceof TransitionResult.Applied applied && current.owner().isPresent()) {
                return new TransitionResult.Refused(Refusal.CARRIED_ELSEWHERE, "conversation " + current.id()
                        + " is carried by instance " + current.owner().get(), applied.actingOperator(), current.version());
            }
            return result;
        }
    }

    /** The rules of rights, the same for every transition. */
    final class Rights {
        private Rights() {}

        static Optional<TransitionResult> check(Conversation current, Optional<String> operatorId, Optional<Actor> actor) {
            if (actor.isEmpty() || actor.get().supervisor()) {
                return Optional.empty();
            }
            String self = actor.get().operatorId();
            if (!current.hasParticipant(self)) {
                // exactly as for a conversation that does not exist: nothing leaks about other people's calls
                return Optional.of(TransitionResult.noSuchConversation(current.key()));
            }
            if (operatorId.isPresent() && !operatorId.get().equals(self)) {
                return Optional.of(new TransitionResult.Refused(Refusal.NOT_PERMITTED, "operator " + self
                        + " may act only for itself; naming operator " + operatorId.get() + " takes a supervisor",
                        self, current.version()));
            }
            return Optional.empty();
        }
    }
}
