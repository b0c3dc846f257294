package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.OutDocument.assertError;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md section 3: the checks run in order (domain, command, method, media
 * type, size, document, rules) and the first failure answers. Each request here
 * fails every check from its own onward, so only the order decides the answer.
 */
class CheckOrderEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    private static final byte[] OVERSIZE_MALFORMED = ("<in>" + " ".repeat(70_000)).getBytes(StandardCharsets.UTF_8);

    @Test
    void anUnknownDomainComesFirst() {
        assertError(SERVER.request().contentType("text/plain").body(OVERSIZE_MALFORMED)
                .get("/nowhere/service/cc/arm/no_such_command"), 404, "no_such_command", "unknown_domain");
    }

    @Test
    void thenAnUnknownCommand() {
        assertError(SERVER.request().contentType("text/plain").body(OVERSIZE_MALFORMED)
                .get("/demo/service/cc/arm/no_such_command"), 404, "no_such_command", "unknown_command");
    }

    @Test
    void thenTheMethod() {
        assertError(SERVER.request().contentType("text/plain").body(OVERSIZE_MALFORMED)
                .put("/demo/service/cc/arm/call_unhold"), 405, "call_unhold", "method_not_allowed");
    }

    @Test
    void thenTheMediaType() {
        assertError(SERVER.request().contentType("text/plain").body(OVERSIZE_MALFORMED)
                .post("/demo/service/cc/arm/call_unhold"), 415, "call_unhold", "unsupported_media_type");
    }

    @Test
    void thenTheSize() {
        assertError(SERVER.request().contentType("application/xml").body(OVERSIZE_MALFORMED)
                .post("/demo/service/cc/arm/call_unhold"), 413, "call_unhold", "body_too_large");
    }

    @Test
    void thenTheDocumentBeforeTheRules() {
        // names a conversation that does not exist (403) but is not well formed (400)
        assertError(SERVER.post("demo", "call_unhold", "<in><request><call_unhold conversation_id=\"no-such\"/></request>"),
                400, "call_unhold", "malformed_xml");
        // a valid document, a conversation that is not held by anyone in it: 403
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001"));
        String detail = assertError(SERVER.post("demo", "call_unhold", unholdXml(id, "1002")), 403, "call_unhold", "cannot_perform_cmd");
        assertTrue(detail.contains("1002"), detail);
    }
}
