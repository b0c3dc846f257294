package org.ccarm.callcontrol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A telephone conversation as the call-control domain sees it: where it lives, who
 * takes part, whether it is on hold, and its version.
 *
 * <p>Immutable. The hold changes only through {@link Transition}s, which check the
 * protocol's rules and return a new value or a typed refusal. Every change raises the
 * version by one: it orders the changes of one conversation (the audit trail carries
 * it, so the trail's order can be restored whatever order its lines were written in),
 * and a shared store uses it for compare-and-set. Version 0 is a conversation no store
 * has recorded yet.
 */
public final class Conversation {

    private final String domain;
    private final String id;
    private final List<String> operators;
    private final Hold hold; // null when not on hold
    private final Caller caller; // null unless the server carries the call (SIP)
    private final String owner; // the instance that carries the call's dialogs; null for the feed's, or not recorded
    private final long version;

    private Conversation(String domain, String id, List<String> operators, Hold hold, Caller caller, String owner,
                         long version) {
        this.domain = domain;
        this.id = id;
        this.operators = operators;
        this.hold = hold;
        this.caller = caller;
        this.owner = owner;
        this.version = version;
    }

    /**
     * A conversation with its participants (in order, duplicates dropped), on hold
     * when {@code hold} is given, not yet recorded by any store (version 0). The holder
     * must take part: the switch never reports a hold by someone outside the call.
     */
    public static Conversation of(String domain, String id, List<String> operators, Optional<Hold> hold) {
        return of(domain, id, operators, hold, 0);
    }

    /** A conversation as a store recorded it, at {@code version}. */
    public static Conversation of(String domain, String id, List<String> operators, Optional<Hold> hold, long version) {
        return of(domain, id, operators, hold, Optional.empty(), version);
    }

    /** A call this server carries (SIP), with its caller, at {@code version}. */
    public static Conversation of(String domain, String id, List<String> operators, Optional<Hold> hold,
                                  Optional<Caller> caller, long version) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a conversation id must not be empty");
        }
        if (version < 0) {
            throw new IllegalArgumentException("a version is never negative");
        }
        List<String> participants = distinct(operators);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one operator");
        }
        for (String operator : participants) {
            if (operator.isEmpty()) {
                throw new IllegalArgumentException("an operator id must not be empty");
            }
        }
        Hold held = hold.orElse(null);
        if (held != null && !participants.contains(held.heldBy())) {
            throw new IllegalArgumentException(
                    "operator " + held.heldBy() + " cannot hold a conversation it does not take part in");
        }
        return new Conversation(domain, id, participants, held, caller.orElse(null), null, version);
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

    /** Who called, when the server carries the call (SIP); empty for a conversation the switch feed reported. */
    public Optional<Caller> caller() {
        return Optional.ofNullable(caller);
    }

    /**
     * The instance that carries this call's dialogs ({@code sip.instance-id} with its
     * incarnation): only it can change the media, so a command arriving elsewhere is handed
     * to it. Empty for a conversation of the switch feed.
     */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** This call as carried by {@code instance} (a carried call only: it has a caller). */
    public Conversation carriedBy(String instance) {
        Objects.requireNonNull(instance, "instance");
        if (caller == null) {
            throw new IllegalArgumentException("only a call the server carries (with a caller) has an owner");
        }
        return new Conversation(domain, id, operators, hold, caller, instance, version);
    }

    /** Whether the server carries this call (SIP): its hold is the media's, changed by re-INVITEs. */
    public boolean isCarriedCall() {
        return caller != null;
    }

    public boolean hasParticipant(String operatorId) {
        return operators.contains(operatorId);
    }

    /** How many changes this conversation has seen; 0 before a store recorded it. */
    public long version() {
        return version;
    }

    /** Only transitions in this package create the next state, after their checks: one version later. */
    Conversation withHold(Hold newHold) {
        return new Conversation(domain, id, operators, newHold, caller, owner, version + 1);
    }

    /**
     * This call with {@code newHold} at {@code newVersion}, as a store recorded it: a store
     * that keeps the hold apart from the call (the in-memory one keeps it as two numbers)
     * puts the state back together with it. The holder must take part, as in {@link #of}.
     */
    public Conversation recordedAs(Optional<Hold> newHold, long newVersion) {
        Conversation recorded = of(domain, id, operators, newHold, Optional.ofNullable(caller), newVersion);
        return owner == null ? recorded : recorded.carriedBy(owner);
    }

    /** The same call (everything but the hold and the version): what a transition never changes. */
    public boolean sameCallAs(Conversation other) {
        return domain.equals(other.domain) && id.equals(other.id) && operators.equals(other.operators)
                && Objects.equals(caller, other.caller) && Objects.equals(owner, other.owner);
    }

    /** The same call and hold, without the version: what a report or a fixture describes. */
    public boolean sameStateAs(Conversation other) {
        return sameCallAs(other) && Objects.equals(hold, other.hold);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conversation other && sameStateAs(other) && version == other.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, id, operators, hold, caller, owner, version);
    }

    @Override
    public String toString() {
        return "Conversation[" + domain + "/" + id + " v" + version + ", operators=" + operators
                + (hold == null ? ", not held" : ", held by " + hold.heldBy() + " since " + hold.since())
                + (caller == null ? "" : ", caller " + caller.uri()) + (owner == null ? "" : ", carried by " + owner) + "]";
    }
}
