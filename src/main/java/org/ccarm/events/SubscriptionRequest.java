package org.ccarm.events;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a subscriber asked for, after the rules of rights: the operators whose
 * conversations it watches (empty: the whole domain), and where to resume.
 *
 * @param since the seq of the last event the subscriber has; empty for a snapshot first
 * @param epoch the epoch that seq belongs to; empty: the current one
 * @param session the session the subscriber acts in (its token's hash), so that one session's
 *                catch-ups can be limited; empty without one
 */
public record SubscriptionRequest(Optional<Set<String>> operators, OptionalLong since, Optional<String> epoch,
                                  Optional<String> session) {

    public SubscriptionRequest {
        Objects.requireNonNull(operators, "operators");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(session, "session");
        operators = operators.map(Set::copyOf);
    }

    /** Outside any session. */
    public SubscriptionRequest(Optional<Set<String>> operators, OptionalLong since, Optional<String> epoch) {
        this(operators, since, epoch, Optional.empty());
    }

    /** The operators watched, or null for the whole domain (as {@link ConversationEvent#concerns} takes it). */
    Set<String> watched() {
        return operators.orElse(null);
    }
}
