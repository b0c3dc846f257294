package org.ccarm.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Actor;
import org.junit.jupiter.api.Test;

/** Who may watch whom: the same rights as the commands. */
class SubscriptionRightsTest {

    private static final Optional<Actor> OPERATOR = Optional.of(new Actor("1001", false));
    private static final Optional<Actor> SUPERVISOR = Optional.of(new Actor("9001", true));

    @Test
    void anOperatorWatchesItselfWhetherItNamesItselfOrNoOne() {
        assertEquals(Optional.of(Set.of("1001")), SubscriptionRights.decide(OPERATOR, Optional.empty()).watched());
        assertEquals(Optional.of(Set.of("1001")), SubscriptionRights.decide(OPERATOR, Optional.of(Set.of("1001"))).watched());
    }

    @Test
    void anOperatorNamingAnyoneElseIsRefused() {
        SubscriptionRights.Decision decision = SubscriptionRights.decide(OPERATOR, Optional.of(Set.of("1001", "1002")));
        assertFalse(decision.permitted());
        assertTrue(decision.refusal().contains("1002"), decision.refusal());
    }

    @Test
    void aSupervisorWatchesWhomItNamesOrTheWholeDomain() {
        assertEquals(Optional.of(Set.of("1001", "1002")),
                SubscriptionRights.decide(SUPERVISOR, Optional.of(Set.of("1001", "1002"))).watched());
        assertEquals(Optional.empty(), SubscriptionRights.decide(SUPERVISOR, Optional.empty()).watched());
    }

    @Test
    void withoutAuthenticationAnyoneWatchesAnything() {
        assertEquals(Optional.empty(), SubscriptionRights.decide(Optional.empty(), Optional.empty()).watched());
        assertTrue(SubscriptionRights.decide(Optional.empty(), Optional.of(Set.of("1002"))).permitted());
    }
}
