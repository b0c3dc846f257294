package org.ccarm.events;

import static org.ccarm.callcontrol.Conversations.SOME_TIME;
import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.events.ConversationEvent.Status;
import org.junit.jupiter.api.Test;

/** Every change's event is computed from the states before and after it, whoever made the change. */
class ChangeEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00.456Z");

    @Test
    void aHoldIsHeardAsHoldByItsHolderAtItsStart() {
        ConversationEvent event = ChangeEvents.between(free("demo", "c1", "1001", "1002"),
                heldBy("1002", "demo", "c1", "1001", "1002"), "1002", NOW);
        assertEquals(Status.HOLD, event.status());
        assertEquals("1002", event.operatorId());
        assertEquals(SOME_TIME, event.at());
        assertEquals(List.of("1001", "1002"), event.operators());
        assertEquals(List.of(), event.removed());
    }

    @Test
    void aReleaseIsHeardAsWorkingByWhoReleasedItNow() {
        ConversationEvent event = ChangeEvents.between(heldBy("1001", "demo", "c1", "1001", "1002"),
                free("demo", "c1", "1001", "1002"), "1002", NOW);
        assertEquals(Status.WORKING, event.status());
        assertEquals("1002", event.operatorId());
        assertEquals(NOW, event.at());
    }

    @Test
    void aConversationTheSwitchCreatesIsWorkingByNoOne() {
        ConversationEvent event = ChangeEvents.between(null, free("demo", "c1", "1001"), null, NOW);
        assertEquals(Status.WORKING, event.status());
        assertNull(event.operatorId());
        assertEquals(List.of(), event.removed());
    }

    @Test
    void aReplacementTellsTheOperatorsItTookOut() {
        ConversationEvent event = ChangeEvents.between(free("demo", "c1", "1001", "1002", "1003"),
                heldBy("1004", "demo", "c1", "1002", "1004"), null, NOW);
        assertEquals(Status.HOLD, event.status());
        assertEquals("1004", event.operatorId());
        assertEquals(List.of("1002", "1004"), event.operators());
        assertEquals(List.of("1001", "1003"), event.removed());
    }

    @Test
    void anEndIsReleasedByNoOneToTheOperatorsItHad() {
        ConversationEvent event = ChangeEvents.between(heldBy("1001", "demo", "c1", "1001", "1002"), null, null, NOW);
        assertEquals(Status.RELEASED, event.status());
        assertNull(event.operatorId());
        assertEquals(NOW, event.at());
        assertEquals(List.of("1001", "1002"), event.operators());
        assertEquals("c1", event.conversationId());
    }

    @Test
    void aSipCallsEventsNameItsCallerWhateverTheChange() {
        Caller caller = new Caller("sip:+4930123456@trunk.example.com", "Ada Caller");
        Conversation call = Conversation.of("demo", "c9", List.of("1001"), Optional.empty(), Optional.of(caller), 1);
        Conversation held = Conversation.of("demo", "c9", List.of("1001"), Optional.of(new Hold("1001", SOME_TIME)),
                Optional.of(caller), 2);
        assertEquals(caller, ChangeEvents.between(null, call, null, NOW).caller());
        assertEquals(caller, ChangeEvents.between(call, held, "1001", NOW).caller());
        assertEquals(caller, ChangeEvents.between(held, null, null, NOW).caller());
        assertEquals(caller, ChangeEvents.snapshotOf(held, "e", NOW, false).caller());
        assertNull(ChangeEvents.between(null, free("demo", "c1", "1001"), null, NOW).caller(), "the feed's have none");
    }
}
