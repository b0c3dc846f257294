package org.ccarm.callcontrol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A telephone conversation as the call-control domain sees it: where it lives,
 * who takes part, and whether it is on hold.
 *
 * <p>Immutable. The hold changes only through {@link Transition}s, which check the
 * protocol's rules and return a new value or a typed refusal.
 */
public final class Conversation {

    private final String domain;
    private final String id;
    private final List<String> operators;
    private final Hold hold; // null when not on hold

    private Conversation(String domain, String id, List<String> operators, Hold hold) {
        this.domain = domain;
        this.id = id;
        this.operators = operators;
        this.hold = hold;
    }

    /**
     * A conversation with its participants (in order, duplicates dropped), on hold
     * when {@code hold} is given. The holder must take part: the switch never
     * reports a hold by someone outside the call.
     */
    public static Conversation of(String domain, String id, List<String> operators, Optional<Hold> hold) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a conversation id must not be empty");
        }
        List<String> participants = distinct(operators);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one operator");
        }
        if (participants.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("an operator id must not be empty");
        }
        Hold held = hold.orElse(null);
        if (held != null && !participants.contains(held.heldBy())) {
            throw new IllegalArgumentException(
                    "operator " + held.heldBy() + " cannot hold a conversation it does not take part in");
        }
        return new Conversation(domain, id, participants, held);
    }

    /** The operators in order without repeats; an already distinct immutable list is kept as it is. */
    private static List<String> distinct(List<String> operators) {
        List<String> copy = List.copyOf(operators); // the same list when it already is an immutable one
        for (int i = 1; i < copy.size(); i++) {
            if (copy.subList(0, i).contains(copy.get(i))) {
                return List.copyOf(new LinkedHashSet<>(copy));
            }
        }
        return copy;
    }

    public String domain() {
        return domain;
    }

    public String id() {
        return id;
    }

    public ConversationKey key() {
        return new ConversationKey(domain, id);
    }

    public List<String> operators() {
        return operators;
    }

    public Optional<Hold> hold() {
        return Optional.ofNullable(hold);
    }

    public boolean isOnHold() {
        return hold != null;
    }

    public boolean hasParticipant(String operatorId) {
        return operators.contains(operatorId);
    }

    /** Only transitions in this package create the next state, after their checks. */
    Conversation withHold(Hold newHold) {
        return new Conversation(domain, id, operators, newHold);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conversation other
                && domain.equals(other.domain)
                && id.equals(other.id)
                && operators.equals(other.operators)
                && Objects.equals(hold, other.hold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, id, operators, hold);
    }

    @Override
    public String toString() {
        return "Conversation[" + domain + "/" + id + ", operators=" + operators
                + (hold == null ? ", not held" : ", held by " + hold.heldBy() + " since " + hold.since()) + "]";
    }
}
