package org.ccarm.callcontrol;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.callcontrol.ReleaseHoldTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Race;
import org.junit.jupiter.api.Test;

/** The rules of call_hold (docs/protocol.md, "Rules"), at the domain level: the transition on the in-memory store. */
class PlaceHoldTest {

    private static final Instant NOW = Instant.parse("2026-11-25T13:03:39.123Z");

    private final InMemoryConversationStore store = new InMemoryConversationStore();

    private TransitionResult hold(String domain, String id, String operator) {
        return store.apply(new ConversationKey(domain, id), new Transition.PlaceHold(Optional.ofNullable(operator), NOW));
    }

    private Conversation stored(String domain, String id) {
        return store.find(new ConversationKey(domain, id)).orElseThrow();
    }

    @Test
    void holdRecordsWhoRequestedItAndWhen() {
        store.put(free("demo", "c1", "1001", "1002"));
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class, hold("demo", "c1", "1002"));
        assertEquals("1002", applied.actingOperator());
        assertEquals(Optional.of(new Hold("1002", NOW)), stored("demo", "c1").hold());
    }

    @Test
    void holdWithoutOperatorIsDoneByTheSoleOperator() {
        store.put(free("demo", "c1", "1003"));
        assertInstanceOf(TransitionResult.Applied.class, hold("demo", "c1", null));
        assertEquals("1003", stored("demo", "c1").hold().orElseThrow().heldBy());
    }

    @Test
    void holdWithoutOperatorOfAConversationWithSeveralOperatorsAsksForOne() {
        store.put(free("demo", "c1", "1001", "1002"));
        TransitionResult.Refused refused = assertRefused(Refusal.OPERATOR_REQUIRED, hold("demo", "c1", null));
        assertEquals("conversation c1 has 2 operators: operator_id is required to say who holds it", refused.detail());
        assertFalse(stored("demo", "c1").isOnHold());
    }

    @Test
    void holdOfAConversationAlreadyOnHoldIsRefusedAndKeepsTheFirstHold() {
        Conversation before = heldBy("1001", "demo", "c1", "1001", "1002");
        before = store.put(before).stored();
        TransitionResult.Refused refused = assertRefused(Refusal.ALREADY_ON_HOLD, hold("demo", "c1", "1002"));
        assertEquals("conversation c1 is already on hold by operator 1001", refused.detail());
        assertEquals(before, stored("demo", "c1"));
    }

    @Test
    void holdByAnOperatorOutsideTheConversationIsRefused() {
        store.put(free("demo", "c1", "1001"));
        assertRefused(Refusal.NOT_A_PARTICIPANT, hold("demo", "c1", "1002"));
        assertFalse(stored("demo", "c1").isOnHold());
    }

    @Test
    void holdOfAnUnknownConversationOrOneInAnotherDomainIsRefused() {
        store.put(free("other", "c1", "1001"));
        assertRefused(Refusal.NO_SUCH_CONVERSATION, hold("demo", "c1", "1001"));
        assertRefused(Refusal.NO_SUCH_CONVERSATION, hold("demo", "nope", "1001"));
        assertFalse(stored("other", "c1").isOnHold());
    }

    @Test
    void concurrentHoldsOfOneConversationHoldItExactlyOnce() throws Exception {
        store.put(free("demo", "c1", "1001", "1002"));
        List<TransitionResult> results = Race.run(48, i -> () -> hold("demo", "c1", i % 2 == 0 ? "1001" : "1002"));
        List<String> winners = new ArrayList<>();
        for (TransitionResult result : results) {
            if (result instanceof TransitionResult.Applied applied) {
                winners.add(applied.actingOperator());
            } else {
                assertRefused(Refusal.ALREADY_ON_HOLD, result);
            }
        }
        assertEquals(1, winners.size());
        assertEquals(winners.get(0), stored("demo", "c1").hold().orElseThrow().heldBy());
    }
}
