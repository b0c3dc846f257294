package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.OK_HOLD;
import static org.ccarm.e2e.OutDocument.assertError;
import static org.ccarm.e2e.OutDocument.assertOk;
import static org.ccarm.e2e.RunningServer.holdXml;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rules of call_hold (docs/protocol.md section 6), over HTTP against the real server. */
class CallHoldEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void holdAnswersOkAndRecordsWhoAndWhen() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001", "1002"));
        Instant before = Instant.now();
        assertOk(SERVER.post("demo", "call_hold", holdXml(id, "1002")), OK_HOLD);
        Hold hold = SERVER.stored("demo", id).hold().orElseThrow();
        assertEquals("1002", hold.heldBy());
        assertTrue(!hold.since().isBefore(before) && Duration.between(before, hold.since()).toSeconds() < 60, hold.since().toString());
    }

    @Test
    void holdWithoutOperatorIsDoneByTheSoleOperator() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1003"));
        assertOk(SERVER.post("demo", "call_hold", holdXml(id, null)), OK_HOLD);
        assertEquals("1003", SERVER.stored("demo", id).hold().orElseThrow().heldBy());
    }

    @Test
    void holdWithoutOperatorOfSeveralOperatorsAsksForOperatorId() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001", "1002"));
        String detail = assertError(SERVER.post("demo", "call_hold", holdXml(id, null)), 403, "call_hold", "cannot_perform_cmd");
        assertTrue(detail.contains("operator_id is required"), detail);
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void holdOfAConversationAlreadyOnHoldCannotBePerformed() {
        String id = uniqueId("held");
        Conversation before = SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        String detail = assertError(SERVER.post("demo", "call_hold", holdXml(id, "1002")), 403, "call_hold", "cannot_perform_cmd");
        assertEquals("conversation " + id + " is already on hold by operator 1001", detail);
        assertEquals(before, SERVER.stored("demo", id));
    }

    @Test
    void holdByAnOperatorOutsideTheConversationCannotBePerformed() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001"));
        assertError(SERVER.post("demo", "call_hold", holdXml(id, "1009")), 403, "call_hold", "cannot_perform_cmd");
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void holdOfAnUnknownConversationOrOneOfAnotherDomainCannotBePerformed() {
        String id = uniqueId("other");
        SERVER.add(free("other", id, "1001"));
        assertError(SERVER.post("demo", "call_hold", holdXml(id, "1001")), 403, "call_hold", "cannot_perform_cmd");
        assertError(SERVER.post("demo", "call_hold", holdXml("no-such-id", "1001")), 403, "call_hold", "cannot_perform_cmd");
        assertFalse(SERVER.stored("other", id).isOnHold());
    }

    @Test
    void holdThenUnholdRoundTrips() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001", "1002"));
        assertOk(SERVER.post("demo", "call_hold", holdXml(id, "1001")), OK_HOLD);
        assertOk(SERVER.post("demo", "call_unhold", RunningServer.unholdXml(id, null)), OutDocument.OK_UNHOLD);
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }
}
