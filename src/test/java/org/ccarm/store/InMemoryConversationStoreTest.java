package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;
import org.junit.jupiter.api.Test;

/** The store contract on the in-memory store, then what only it has: a ring of exactly so many events, an epoch per run. */
class InMemoryConversationStoreTest extends ConversationStoreContract {

    @Override
    protected ConversationStore newStore() {
        return new InMemoryConversationStore();
    }

    @Test
    void theRingKeepsTheLastEventsAndRefusesAReplayOfOlderOnes() throws Exception {
        InMemoryConversationStore small = new InMemoryConversationStore(3);
        for (int i = 0; i < 5; i++) {
            small.put(free("demo", "c" + i, "1001"));
        }
        EventLog.Position position = small.events().position("demo");
        assertEquals(5, position.lastSeq());
        assertEquals(List.of(3L, 4L, 5L), small.events().after("demo", position.epoch(), 2, 10).orElseThrow().stream()
                .map(ConversationEvent::seq).toList(), "the last three are retained");
        assertTrue(small.events().after("demo", position.epoch(), 1, 10).isEmpty(), "event 2 is gone: a gap");
        // a tail that fell behind the ring gets the oldest retained events, and sees the gap in their seqs
        List<ConversationEvent> tail = small.events().next(Map.of("demo", 0L), 10, 0);
        assertEquals(3, tail.get(0).seq());
    }

    @Test
    void aNewStoreStartsANewEpoch() {
        assertNotEquals(new InMemoryConversationStore().events().position("demo").epoch(),
                new InMemoryConversationStore().events().position("demo").epoch());
    }
}
