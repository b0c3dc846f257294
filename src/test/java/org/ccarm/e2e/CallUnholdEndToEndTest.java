package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.OK_UNHOLD;
import static org.ccarm.e2e.OutDocument.assertError;
import static org.ccarm.e2e.OutDocument.assertOk;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ccarm.callcontrol.Conversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rules of call_unhold (docs/protocol.md section 6), over HTTP against the real server. */
class CallUnholdEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void unholdOfAHeldConversationAnswersOkAndReleasesIt() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        assertOk(SERVER.post("demo", "call_unhold", unholdXml(id, "1001")), OK_UNHOLD);
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void unholdWithoutOperatorUsesTheOperatorWhoHeld() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1002", "demo", id, "1001", "1002"));
        assertOk(SERVER.post("demo", "call_unhold", unholdXml(id, null)), OK_UNHOLD);
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void anotherParticipantMayReleaseTheHold() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        assertOk(SERVER.post("demo", "call_unhold", unholdXml(id, "1002")), OK_UNHOLD);
    }

    @Test
    void unholdOfAnUnknownConversationCannotBePerformed() {
        String detail = assertError(SERVER.post("demo", "call_unhold", unholdXml("no-such-id", null)),
                403, "call_unhold", "cannot_perform_cmd");
        assertEquals("conversation no-such-id does not exist in domain demo", detail);
    }

    @Test
    void aConversationOfAnotherDomainIsNotFoundAndKeepsItsHold() {
        String id = uniqueId("other");
        SERVER.add(heldBy("1001", "other", id, "1001"));
        assertError(SERVER.post("demo", "call_unhold", unholdXml(id, "1001")), 403, "call_unhold", "cannot_perform_cmd");
        assertTrue(SERVER.stored("other", id).isOnHold());
        assertOk(SERVER.post("other", "call_unhold", unholdXml(id, "1001")), OK_UNHOLD);
    }

    @Test
    void unholdOfAConversationNotOnHoldCannotBePerformed() {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001"));
        String detail = assertError(SERVER.post("demo", "call_unhold", unholdXml(id, "1001")),
                403, "call_unhold", "cannot_perform_cmd");
        assertEquals("conversation " + id + " is not on hold", detail);
    }

    @Test
    void unholdByAnOperatorOutsideTheConversationCannotBePerformedAndKeepsTheHold() {
        String id = uniqueId("held");
        Conversation before = SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        String detail = assertError(SERVER.post("demo", "call_unhold", unholdXml(id, "1003")),
                403, "call_unhold", "cannot_perform_cmd");
        assertEquals("operator 1003 does not take part in conversation " + id, detail);
        assertEquals(before, SERVER.stored("demo", id));
    }

    @Test
    void theSecondUnholdCannotBePerformed() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        assertOk(SERVER.post("demo", "call_unhold", unholdXml(id, null)), OK_UNHOLD);
        assertError(SERVER.post("demo", "call_unhold", unholdXml(id, null)), 403, "call_unhold", "cannot_perform_cmd");
    }
}
