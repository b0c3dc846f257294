package org.ccarm.callcontrol;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Race;
import org.junit.jupiter.api.Test;

/** The rules of call_unhold (docs/protocol.md, "Rules"), at the domain level: the transition on the in-memory store. */
class ReleaseHoldTest {

    private final InMemoryConversationStore store = new InMemoryConversationStore();

    private TransitionResult unhold(String domain, String id, String operator) {
        return store.apply(new ConversationKey(domain, id), new Transition.ReleaseHold(Optional.ofNullable(operator)));
    }

    private Conversation stored(String domain, String id) {
        return store.find(new ConversationKey(domain, id)).orElseThrow();
    }

    @Test
    void unholdReleasesAHeldConversation() {
        store.put(heldBy("1001", "demo", "c1", "1001", "1002"));
        TransitionResult result = unhold("demo", "c1", "1001");
        assertInstanceOf(TransitionResult.Applied.class, result);
        assertFalse(stored("demo", "c1").isOnHold());
    }

    @Test
    void unholdWithoutOperatorUsesTheOperatorWhoHeld() {
        store.put(heldBy("1002", "demo", "c1", "1001", "1002"));
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class, unhold("demo", "c1", null));
        assertEquals("1002", applied.actingOperator());
    }

    @Test
    void anotherParticipantMayReleaseTheHold() {
        store.put(heldBy("1001", "demo", "c1", "1001", "1002"));
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class, unhold("demo", "c1", "1002"));
        assertEquals("1002", applied.actingOperator());
        assertFalse(stored("demo", "c1").isOnHold());
    }

    @Test
    void unholdOfAnUnknownConversationIsRefused() {
        assertRefused(Refusal.NO_SUCH_CONVERSATION, unhold("demo", "nope", "1001"));
    }

    @Test
    void unholdFindsConversationsOnlyInTheRequestsDomain() {
        store.put(heldBy("1001", "other", "c1", "1001"));
        assertRefused(Refusal.NO_SUCH_CONVERSATION, unhold("demo", "c1", "1001"));
        assertTrue(stored("other", "c1").isOnHold());
    }

    @Test
    void unholdOfAConversationNotOnHoldIsRefused() {
        store.put(free("demo", "c1", "1001"));
        TransitionResult.Refused refused = assertRefused(Refusal.NOT_ON_HOLD, unhold("demo", "c1", "1001"));
        assertEquals("conversation c1 is not on hold", refused.detail());
    }

    @Test
    void unholdByAnOperatorOutsideTheConversationIsRefusedAndKeepsTheHold() {
        Conversation before = heldBy("1001", "demo", "c1", "1001", "1002");
        before = store.put(before).stored();
        TransitionResult.Refused refused = assertRefused(Refusal.NOT_A_PARTICIPANT, unhold("demo", "c1", "1003"));
        assertEquals("operator 1003 does not take part in conversation c1", refused.detail());
        assertEquals(before, stored("demo", "c1"));
    }

    @Test
    void secondUnholdIsRefusedBecauseTheFirstReleasedIt() {
        store.put(heldBy("1001", "demo", "c1", "1001"));
        assertInstanceOf(TransitionResult.Applied.class, unhold("demo", "c1", null));
        assertRefused(Refusal.NOT_ON_HOLD, unhold("demo", "c1", null));
    }

    @Test
    void concurrentUnholdsOfOneConversationReleaseItExactlyOnce() throws Exception {
        store.put(heldBy("1001", "demo", "c1", "1001", "1002"));
        List<TransitionResult> results = Race.run(48, i -> () -> unhold("demo", "c1", null));
        int applied = 0;
        for (TransitionResult result : results) {
            if (result instanceof TransitionResult.Applied) {
                applied++;
            } else {
                assertRefused(Refusal.NOT_ON_HOLD, result);
            }
        }
        assertEquals(1, applied);
        assertFalse(stored("demo", "c1").isOnHold());
    }

    static TransitionResult.Refused assertRefused(Refusal expected, TransitionResult result) {
        TransitionResult.Refused refused = assertInstanceOf(TransitionResult.Refused.class, result);
        assertEquals(expected, refused.refusal());
        return refused;
    }
}
