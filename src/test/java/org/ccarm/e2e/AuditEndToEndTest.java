package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every command call writes exactly one audit line, whatever its outcome. */
class AuditEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    @Test
    void aSuccessfulUnholdNamesDomainCommandConversationActingOperatorOutcomeAndDuration() {
        String id = uniqueId("held");
        SERVER.add(heldBy("1002", "demo", id, "1001", "1002"));
        SERVER.post("demo", "call_unhold", unholdXml(id, null)).then().statusCode(200);
        List<String> lines = audit.lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("domain=demo cmd=call_unhold conversation=" + id
                + " version=2 seq=\\d+ operator=1002 session=- outcome=ok status=200 duration_us=\\d+ transport=http request=\\S+"), lines.get(0));
    }

    @Test
    void refusalsAndBadInputAreAuditedOnceEach() {
        SERVER.post("demo", "call_unhold", unholdXml("no-such", "1001")).then().statusCode(403);
        SERVER.post("demo", "call_unhold", "<in>").then().statusCode(400);
        SERVER.request().get("/demo/service/cc/arm/call_unhold").then().statusCode(405);
        SERVER.post("nowhere", "call_unhold", "<in/>").then().statusCode(404);
        List<String> lines = audit.lines();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("conversation=no-such version=- seq=- operator=1001 session=- outcome=cannot_perform_cmd status=403"), lines.get(0));
        assertTrue(lines.get(1).contains("conversation=- version=- seq=- operator=- session=- outcome=malformed_xml status=400"), lines.get(1));
        assertTrue(lines.get(2).contains("outcome=method_not_allowed status=405"), lines.get(2));
        assertTrue(lines.get(3).startsWith("domain=nowhere cmd=call_unhold"), lines.get(3));
    }

    @Test
    void clientChosenValuesCannotBreakALine() {
        SERVER.post("demo", "call_unhold", unholdXml("evil&#10;domain=x outcome=ok", null)).then().statusCode(403);
        List<String> lines = audit.lines();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.startsWith("domain=demo cmd=call_unhold conversation=\"evil\\u000adomain=x outcome=ok\" version=- seq=- operator=- session=- "
                + "outcome=cannot_perform_cmd status=403 "), line);
        assertTrue(line.indexOf('\n') < 0, line);
    }
}
