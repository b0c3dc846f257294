package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.SipConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.Sipp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real calls through the server, SIPp playing the caller and the operator's phone (section
 * "Real calls over SIP" of the protocol): the re-INVITEs a hold sends are checked on the wire
 * by the scenarios themselves (a wrong o= version or direction fails the SIPp run).
 */
class SipCallsEndToEndTest {

    private static final Duration RUN = Duration.ofSeconds(30);
    private static final long REINVITE_TIMEOUT_MS = 500;
    private static final String CALLER_NAME = "Ada Caller";

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.withDemoOperators(
            TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo", "other"))
            .withSip(SipConfig.DEFAULTS.onFreePort().withTimeouts(REINVITE_TIMEOUT_MS, 2_000)));

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    @BeforeAll
    static void sippIsThere() {
        Sipp.assumeInstalled();
    }

    private static int sipPort() {
        return SERVER.sipPort();
    }

    private static void register(String operator, int phonePort) {
        Sipp.register(sipPort(), operator, phonePort);
    }

    /** The conversation the server created for the call it just answered (from its audit line). */
    private String answeredConversation() {
        String line = audit.awaitLine(l -> l.contains("cmd=sip_invite") && l.contains("outcome=created"));
        return line.replaceAll(".*conversation=([0-9a-f]+).*", "$1");
    }

    private Conversation stored(String id) {
        return SERVER.stored("demo", id);
    }

    private boolean exists(String id) {
        return SERVER.store().find(new ConversationKey("demo", id)).isPresent();
    }

    @Test
    void aHoldAndItsReleaseOverHttpReInviteBothLegsAndAreRecordedOnlyThen() {
        int phonePort = Sipp.freePort();
        register("1001", phonePort);
        try (Sipp phone = Sipp.phone("phone.xml", "1001", phonePort);
             Sipp caller = Sipp.caller("caller.xml", sipPort(), "1001")) {
            String id = answeredConversation();
            Conversation call = stored(id);
            assertEquals(List.of("1001"), call.operators());
            assertEquals(Optional.of(new Caller("sip:+4930123456@127.0.0.1:" + caller.port(), CALLER_NAME)), call.caller());
            assertFalse(call.isOnHold());

            SERVER.post("demo", "call_hold", RunningServer.holdXml(id, null)).then().statusCode(200);
            assertTrue(stored(id).isOnHold(), "recorded once both legs accepted");
            audit.awaitLine(l -> l.contains("cmd=call_hold") && l.contains("conversation=" + id) && l.contains("outcome=ok"));
            SERVER.post("demo", "call_unhold", RunningServer.unholdXml(id, null)).then().statusCode(200);
            assertFalse(stored(id).isOnHold());

            caller.assertPassed(RUN); // it checked both re-INVITEs it got, then hung up
            phone.assertPassed(RUN); // likewise, then took the BYE the server relayed
            Await.until(() -> !exists(id), "the call's end recorded");
            audit.awaitLine(l -> l.contains("cmd=sip_bye") && l.contains("conversation=" + id) && l.contains("transport=sip"));
        }
    }

    @Test
    void aPhoneThatRefusesTheHoldRefusesTheCommandAndTheCallerIsPutBack() {
        int phonePort = Sipp.freePort();
        register("1002", phonePort);
        try (Sipp phone = Sipp.phone("phone-refuses-hold.xml", "1002", phonePort);
             Sipp caller = Sipp.caller("caller.xml", sipPort(), "1002")) {
            String id = answeredConversation();
            String answer = SERVER.post("demo", "call_hold", RunningServer.holdXml(id, null)).then().statusCode(403)
                    .extract().asString();
            assertTrue(answer.contains("reason=\"cannot_perform_cmd\""), answer);
            assertTrue(answer.contains("the operator's leg refused the hold: 488 Not Acceptable Here"), answer);
            assertFalse(stored(id).isOnHold(), "nothing recorded");
            caller.assertPassed(RUN); // its second re-INVITE was the restore (o= version 3, sendrecv)
            phone.assertPassed(RUN);
        }
    }

    @Test
    void aPhoneThatDoesNotAnswerTheHoldRefusesTheCommandWithinTheReInviteTimeout() {
        int phonePort = Sipp.freePort();
        register("1003", phonePort);
        try (Sipp phone = Sipp.phone("phone-silent.xml", "1003", phonePort);
             Sipp caller = Sipp.caller("caller.xml", sipPort(), "1003")) {
            String id = answeredConversation();
            long start = System.nanoTime();
            String answer = SERVER.post("demo", "call_hold", RunningServer.holdXml(id, null)).then().statusCode(403)
                    .extract().asString();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.contains("the operator's leg refused the hold: did not answer within " + REINVITE_TIMEOUT_MS + " ms"),
                    answer);
            assertTrue(tookMillis >= REINVITE_TIMEOUT_MS, "answered after the timeout, not before: " + tookMillis);
            assertFalse(stored(id).isOnHold());
            caller.assertPassed(RUN); // restored after the phone's silence
            phone.assertPassed(RUN); // it did get the hold's re-INVITE (and kept quiet)
        }
    }

    @Test
    void aHoldPressedOnThePhoneIsRecordedAsTheOperatorsAndItsResumeReleasesIt() {
        int phonePort = Sipp.freePort();
        register("1001", phonePort);
        try (Sipp phone = Sipp.phone("phone-holds.xml", "1001", phonePort);
             Sipp caller = Sipp.caller("caller.xml", sipPort(), "1001")) {
            String id = answeredConversation();
            audit.awaitLine(l -> l.contains("cmd=call_hold") && l.contains("conversation=" + id) && l.contains("transport=sip")
                    && l.contains("operator=1001"));
            assertEquals("1001", stored(id).hold().orElseThrow().heldBy());
            audit.awaitLine(l -> l.contains("cmd=call_unhold") && l.contains("conversation=" + id)
                    && l.contains("transport=sip"));
            assertFalse(stored(id).isOnHold());
            caller.assertPassed(RUN);
            phone.assertPassed(RUN);
        }
    }

    @Test
    void aCallerThatCancelsWhileThePhoneRingsCreatesNothing() {
        int phonePort = Sipp.freePort();
        register("1002", phonePort);
        try (Sipp phone = Sipp.phone("phone-rings.xml", "1002", phonePort);
             Sipp caller = Sipp.caller("caller-cancel.xml", sipPort(), "1002")) {
            caller.assertPassed(RUN); // 200 to its CANCEL, 487 to its INVITE
            phone.assertPassed(RUN); // the server cancelled its leg
        }
        assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_invite")), "no conversation created");
    }

    @Test
    void eitherSideHangingUpEndsTheConversation() {
        int phonePort = Sipp.freePort();
        register("1003", phonePort);
        try (Sipp phone = Sipp.phone("phone-hangs-up.xml", "1003", phonePort);
             Sipp caller = Sipp.caller("caller-waits-bye.xml", sipPort(), "1003")) {
            String id = answeredConversation();
            phone.assertPassed(RUN);
            caller.assertPassed(RUN); // the phone's BYE reached it
            Await.until(() -> !exists(id), "the call's end recorded");
        }
    }

    @Test
    void aLateOfferIsCarriedTheOffersIn200AndTheAnswerInTheAck() {
        int phonePort = Sipp.freePort();
        register("1001", phonePort);
        try (Sipp phone = Sipp.phone("phone-late-offer.xml", "1001", phonePort);
             Sipp caller = Sipp.caller("caller-late-offer.xml", sipPort(), "1001")) {
            String id = answeredConversation();
            caller.assertPassed(RUN); // the phone's offer reached it in the 200
            phone.assertPassed(RUN); // the caller's answer reached it in the ACK
            Await.until(() -> !exists(id), "the call's end recorded");
        }
    }

    @Test
    void theSwitchFeedMayEndASipCallButNotRewriteIt() {
        int phonePort = Sipp.freePort();
        register("1002", phonePort);
        try (Sipp phone = Sipp.phone("phone-waits-bye.xml", "1002", phonePort);
             Sipp caller = Sipp.caller("caller-waits-bye.xml", sipPort(), "1002")) {
            String id = answeredConversation();
            String feed = "/admin/domains/demo/conversations/" + id;
            SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).get(feed).then().statusCode(200)
                    .body("caller", org.hamcrest.Matchers.equalTo("sip:+4930123456@127.0.0.1:" + caller.port()))
                    .body("caller_name", org.hamcrest.Matchers.equalTo(CALLER_NAME));
            SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                    .body("{\"operators\":[\"1002\",\"1003\"]}").put(feed).then().statusCode(409)
                    .body("error", org.hamcrest.Matchers.equalTo("sip_conversation"));
            SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).delete(feed).then().statusCode(204);
            caller.assertPassed(RUN); // both legs got the server's BYE
            phone.assertPassed(RUN);
            assertFalse(exists(id));
        }
    }

    @Test
    void callsThatCannotReachAnOperatorAreRefusedAndCreateNothing() {
        try (Sipp unknown = Sipp.caller("caller-refused.xml", sipPort(), "7777")) {
            unknown.assertPassed(RUN);
            assertTrue(unknown.logs().contains("refused with 404"), unknown.logs());
        }
        try (Sipp unregistered = Sipp.caller("caller-refused.xml", sipPort(), "9001")) {
            unregistered.assertPassed(RUN);
            assertTrue(unregistered.logs().contains("refused with 480"), unregistered.logs());
        }
        int busyPort = Sipp.freePort();
        register("1003", busyPort);
        try (Sipp phone = Sipp.phone("phone-busy.xml", "1003", busyPort);
             Sipp busy = Sipp.caller("caller-refused.xml", sipPort(), "1003")) {
            busy.assertPassed(RUN);
            assertTrue(busy.logs().contains("refused with 486"), busy.logs());
            phone.assertPassed(RUN);
        }
        int ringingPort = Sipp.freePort();
        register("1002", ringingPort);
        try (Sipp phone = Sipp.phone("phone-rings.xml", "1002", ringingPort);
             Sipp unanswered = Sipp.caller("caller-refused.xml", sipPort(), "1002")) {
            unanswered.assertPassed(RUN); // the ring timeout (2 s here) answers 480
            assertTrue(unanswered.logs().contains("refused with 480"), unanswered.logs());
            phone.assertPassed(RUN); // and cancelled the phone's leg
        }
        assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_invite")), "no conversation created");
    }

    @Test
    void optionsIsAnsweredAndJunkIsDroppedOrRefusedWithoutHarm() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3_000);
            Random random = new Random(19);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                send(socket, junk);
            }
            send(socket, "INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String options = "OPTIONS sip:127.0.0.1:" + sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-options-1\r\n"
                    + "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: options-1@127.0.0.1\r\n"
                    + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            assertTrue(ask(socket, options, "SIP/2.0 200 ").contains("CSeq: 1 OPTIONS"), "the server still answers");
        }
    }

    @Test
    void theRegistrarRefusesShortOrBadExpiriesUnknownOperatorsAndOddContacts() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3_000);
            String brief = ask(socket, register(socket, "1001", 30, 1), "SIP/2.0 423 ");
            assertTrue(brief.contains("Min-Expires: 60"), brief);
            ask(socket, register(socket, "4242", 300, 2), "SIP/2.0 404 ");
            ask(socket, register(socket, "1001", 300, 3).replace("Expires: 300", "Expires: -1"), "SIP/2.0 400 ");
            ask(socket, register(socket, "1001", 300, 4).replace("Contact: <sip:", "Contact: <tel:+4930").replace(
                    "@127.0.0.1:" + socket.getLocalPort() + ">", ">"), "SIP/2.0 400 ");
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 11; i++) {
                many.append("Contact: <sip:1001@127.0.0.1:").append(20_000 + i).append(">\r\n");
            }
            ask(socket, register(socket, "1001", 300, 6).replaceFirst("Contact: [^\r]*\r\n", many.toString()),
                    "SIP/2.0 400 ");
        }
    }

    @Test
    void anInviteRequiringAnExtensionIsRefused420() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String invite = "INVITE sip:1001@127.0.0.1:" + sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-100rel-1\r\n"
                    + "From: <sip:caller@127.0.0.1>;tag=x1\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: 100rel-1@127.0.0.1\r\n"
                    + "CSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                    + "Require: 100rel\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            String refused = ask(socket, invite, "SIP/2.0 420 ");
            assertTrue(refused.contains("Unsupported: 100rel"), refused);
        }
        assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_invite")), "no conversation created");
    }

    private static String register(DatagramSocket socket, String operator, int expires, int n) {
        return "REGISTER sip:127.0.0.1:" + sipPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-reg-" + n + "\r\n"
                + "From: <sip:" + operator + "@demo>;tag=r" + n + "\r\nTo: <sip:" + operator + "@demo>\r\n"
                + "Call-ID: reg-" + n + "@127.0.0.1\r\nCSeq: 1 REGISTER\r\n"
                + "Contact: <sip:" + operator + "@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                + "Expires: " + expires + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    private static void send(DatagramSocket socket, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), sipPort()));
    }

    /**
     * Sends {@code request} as a UDP user agent does, again every half second while unanswered
     * (RFC 3261 timer E), and returns the first answer starting with {@code start} (others, e.g.
     * answers to junk, are skipped).
     */
    private static String ask(DatagramSocket socket, String request, String start) throws IOException {
        socket.setSoTimeout(500);
        for (int attempt = 0; attempt < 8; attempt++) {
            send(socket, request.getBytes(StandardCharsets.US_ASCII));
            String answer = receiveUntil(socket, start, 500);
            if (answer != null) {
                return answer;
            }
        }
        throw new AssertionError("no answer starting " + start);
    }

    private static String receiveUntil(DatagramSocket socket, String start, long millis) throws IOException {
        byte[] buffer = new byte[65536];
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                break;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
            if (text.startsWith(start)) {
                return text;
            }
        }
        return null;
    }
}
