package org.ccarm.events;

import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Actor;

/**
 * Who may watch whose conversations, by the same rights as the commands: an operator
 * watches only itself (naming no one means itself), a supervisor anyone in its domain
 * (naming no one means the whole domain), and without authentication anyone anything.
 */
public final class SubscriptionRights {

    /** The operators a subscription watches (empty: the whole domain), or why it is refused. */
    public record Decision(Optional<Set<String>> watched, String refusal) {
        public boolean permitted() {
            return refusal == null;
        }
    }

    private SubscriptionRights() {}

    public static Decision decide(Optional<Actor> actor, Optional<Set<String>> named) {
        if (actor.isEmpty() || actor.get().supervisor()) {
            return new Decision(named, null);
        }
        String self = actor.get().operatorId();
        if (named.isEmpty()) {
            return new Decision(Optional.of(Set.of(self)), null);
        }
        for (String operator : named.get()) {
            if (!operator.equals(self)) {
                return new Decision(Optional.empty(), "operator " + self + " may watch only its own conversations; "
                        + "watching operator " + operator + " takes a supervisor");
            }
        }
        return new Decision(named, null);
    }
}
