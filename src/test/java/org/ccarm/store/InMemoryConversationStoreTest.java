package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.junit.jupiter.api.Test;

class InMemoryConversationStoreTest {

    private final InMemoryConversationStore store = new InMemoryConversationStore();

    @Test
    void putCreatesThenReplaces() {
        assertEquals(ConversationStore.PutResult.CREATED, store.put(free("demo", "c1", "1001")));
        assertEquals(ConversationStore.PutResult.REPLACED, store.put(heldBy("1001", "demo", "c1", "1001")));
        assertTrue(store.find(new ConversationKey("demo", "c1")).orElseThrow().isOnHold());
        assertEquals(1, store.size());
    }

    @Test
    void domainsAreSeparate() {
        store.put(free("demo", "c1", "1001"));
        store.put(free("other", "c1", "1002"));
        assertEquals("1002", store.find(new ConversationKey("other", "c1")).orElseThrow().operators().get(0));
        assertTrue(store.remove(new ConversationKey("other", "c1")));
        assertTrue(store.find(new ConversationKey("demo", "c1")).isPresent());
        assertEquals(1, store.size());
    }

    @Test
    void removeSaysWhetherThereWasOne() {
        store.put(free("demo", "c1", "1001"));
        assertTrue(store.remove(new ConversationKey("demo", "c1")));
        assertFalse(store.remove(new ConversationKey("demo", "c1")));
        assertFalse(store.remove(new ConversationKey("nowhere", "c1")));
    }

    @Test
    void aTransitionOfAnAbsentConversationIsRefusedWithoutCreatingIt() {
        TransitionResult result = store.apply(new ConversationKey("demo", "c9"), new Transition.ReleaseHold(Optional.empty()));
        assertEquals(Refusal.NO_SUCH_CONVERSATION, ((TransitionResult.Refused) result).refusal());
        assertEquals(0, store.size());
    }

    @Test
    void aReleaseReturnsToTheStateTheConversationStartedFrom() {
        var free = free("demo", "c1", "1001", "1002");
        store.put(free);
        store.apply(free.key(), new Transition.PlaceHold(Optional.of("1001"), Instant.EPOCH));
        store.apply(free.key(), new Transition.ReleaseHold(Optional.empty()));
        assertEquals(free, store.find(free.key()).orElseThrow());

        var held = heldBy("1001", "demo", "c2", "1001");
        store.put(held);
        store.apply(held.key(), new Transition.ReleaseHold(Optional.empty()));
        Conversation released = store.find(held.key()).orElseThrow();
        assertFalse(released.isOnHold());
        store.apply(held.key(), new Transition.PlaceHold(Optional.empty(), Instant.EPOCH));
        store.apply(held.key(), new Transition.ReleaseHold(Optional.empty()));
        assertEquals(released, store.find(held.key()).orElseThrow());
    }

    @Test
    void aHoldIsReadBackAsItWasRecorded() {
        var free = free("demo", "c1", "1001", "1002");
        store.put(free);
        Instant at = Instant.parse("2026-11-25T13:03:39.123Z");
        store.apply(free.key(), new Transition.PlaceHold(Optional.of(new String("1002")), at));
        Conversation held = store.find(free.key()).orElseThrow();
        assertEquals(Optional.of(new Hold("1002", at)), held.hold());
        // the holder is the conversation's own operator string: the hold refers to nothing new
        assertSame(held.operators().get(1), held.hold().orElseThrow().heldBy());
        assertEquals(heldBy("1001", "demo", "c2", "1001"), put(heldBy("1001", "demo", "c2", "1001")));
    }

    private Conversation put(Conversation conversation) {
        store.put(conversation);
        return store.find(conversation.key()).orElseThrow();
    }

    @Test
    void aRefusedTransitionLeavesTheStoredValueAsItWas() {
        var before = free("demo", "c1", "1001");
        store.put(before);
        store.apply(before.key(), new Transition.ReleaseHold(Optional.empty()));
        assertEquals(before, store.find(before.key()).orElseThrow());
    }
}
