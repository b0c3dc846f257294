package org.ccarm.callcontrol;

import static org.ccarm.callcontrol.Conversations.SOME_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConversationTest {

    @Test
    void participantsKeepTheirOrderWithoutDuplicates() {
        Conversation c = Conversation.of("demo", "c1", List.of("1002", "1001", "1002"), Optional.empty());
        assertEquals(List.of("1002", "1001"), c.operators());
        assertTrue(c.hasParticipant("1001"));
        assertFalse(c.hasParticipant("1003"));
    }

    @Test
    void aConversationNeedsAnIdAndAnOperator() {
        assertThrows(IllegalArgumentException.class, () -> Conversation.of("demo", "", List.of("1001"), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Conversation.of("demo", "c1", List.of(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Conversation.of("demo", "c1", List.of(""), Optional.empty()));
    }

    @Test
    void onlyAParticipantCanHoldIt() {
        assertThrows(IllegalArgumentException.class, () -> Conversation.of("demo", "c1", List.of("1001"),
                Optional.of(new Hold("1009", SOME_TIME))));
    }

    @Test
    void aHoldIsRecordedToTheMillisecond() {
        assertEquals(SOME_TIME, new Hold("1001", SOME_TIME.plusNanos(456_789)).since());
    }

    @Test
    void theHoldSaysWhoAndSinceWhen() {
        Conversation c = Conversations.heldBy("1001", "demo", "c1", "1001", "1002");
        assertTrue(c.isOnHold());
        assertEquals(new Hold("1001", SOME_TIME), c.hold().orElseThrow());
        assertFalse(Conversations.free("demo", "c1", "1001").isOnHold());
    }
}
