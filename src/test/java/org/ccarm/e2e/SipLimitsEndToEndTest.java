package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.SipConfig;
import org.ccarm.testing.Sipp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may speak SIP to the server, and how many calls it carries at once. */
class SipLimitsEndToEndTest {

    private static final Duration RUN = Duration.ofSeconds(30);
    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    private static final ServerConfig DEMO = TestConfigs.withDemoOperators(TestConfigs.config(Optional.empty(), "demo"));

    @Test
    void aSourceOutsideTheTrustedNetworksIsRefused403() throws Exception {
        ServerConfig config = DEMO.withSip(SipConfig.DEFAULTS.onFreePort().withTrustedNetworks(List.of("10.0.0.0/8")));
        try (CcArmServer server = CcArmServer.start(config);
             DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = server.sipPort().orElseThrow();
            String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK-untrusted-1\r\n"
                    + "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: untrusted-1@127.0.0.1\r\n"
                    + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
            socket.setSoTimeout(500);
            String answer = null;
            for (int attempt = 0; attempt < 8 && answer == null; attempt++) {
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
                byte[] buffer = new byte[65536];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    answer = new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
                } catch (java.net.SocketTimeoutException e) {
                    // a UDP request is sent again, as a user agent would
                }
            }
            assertTrue(answer != null && answer.startsWith("SIP/2.0 403 "), String.valueOf(answer));
        }
    }

    @Test
    void pastMaxCallsANewCallIsRefused503() throws Exception {
        Sipp.assumeInstalled();
        try (CcArmServer server = CcArmServer.start(DEMO.withSip(SipConfig.DEFAULTS.onFreePort().withMaxCalls(1)))) {
            int sipPort = server.sipPort().orElseThrow();
            int phonePort = Sipp.freePort();
            Sipp.register(sipPort, "1001", phonePort);
            try (Sipp phone = Sipp.phone("phone-waits-bye.xml", "1001", phonePort);
                 Sipp first = Sipp.caller("caller-hangs-up.xml", sipPort, "1001")) {
                audit.awaitLine(l -> l.contains("cmd=sip_invite")); // the first call is up (it hangs up after 2 s)
                try (Sipp second = Sipp.caller("caller-refused.xml", sipPort, "1001")) {
                    second.assertPassed(RUN);
                    assertTrue(second.logs().contains("refused with 503"), second.logs());
                }
                first.assertPassed(RUN);
                phone.assertPassed(RUN);
            }
        }
    }
}
