package org.ccarm.store.redis;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Optional;
import java.util.stream.IntStream;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.junit.jupiter.api.Test;

/** What an instance remembers of conversations: bounded, newest first, never older news over newer. */
class KnownConversationsTest {

    @Test
    void aFullMemoryForgetsOneToNoteAnotherAndStaysWithinItsCapacity() {
        KnownConversations known = new KnownConversations(3);
        IntStream.range(0, 10).forEach(i -> known.note(free("demo", "c" + i, "1001")));
        long held = IntStream.range(0, 10).filter(i -> known.get(new ConversationKey("demo", "c" + i)) != null).count();
        assertEquals(3, held);
        assertNotNull(known.get(new ConversationKey("demo", "c9")), "the one noted last is kept");
        IntStream.range(0, 10).forEach(i -> known.noteIfNewer(free("other", "c" + i, "1001")));
        assertEquals(3, IntStream.range(0, 10).filter(i -> known.get(new ConversationKey("other", "c" + i)) != null).count()
                + IntStream.range(0, 10).filter(i -> known.get(new ConversationKey("demo", "c" + i)) != null).count());
    }

    @Test
    void theTailsNewsNeverReplacesANewerState() {
        KnownConversations known = new KnownConversations(10);
        Conversation v1 = free("demo", "c1", "1001").recordedAs(Optional.empty(), 1);
        Conversation v3 = v1.recordedAs(Optional.empty(), 3);
        known.note(v3);
        known.noteIfNewer(v1);
        assertEquals(3, known.get(v1.key()).version());
        known.note(v1); // Redis's own answer wins: a conversation ended and created again starts over at 1
        assertEquals(1, known.get(v1.key()).version());
        known.forget(v1.key());
        assertNull(known.get(v1.key()));
    }
}
