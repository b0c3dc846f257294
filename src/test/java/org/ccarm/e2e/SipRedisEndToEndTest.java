package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.ccarm.CcArmServer;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.SipConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.Sipp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A SIP call on the Redis store while Redis stops answering (SIGSTOP): a new call is
 * refused 503 in the store's time, a BYE is still answered and relayed at once, and the
 * call's end is recorded once Redis answers again (nothing is lost).
 */
class SipRedisEndToEndTest {

    private static final Duration RUN = Duration.ofSeconds(30);

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    @Test
    void aRedisOutageRefusesNewCallsButNeverAHangUpWhoseEndIsRecordedLater() throws Exception {
        Sipp.assumeInstalled();
        try (RedisServer redis = RedisServer.start()) {
            try (CcArmServer server = startOn(redis, 500)) {
                int sipPort = server.sipPort().orElseThrow();
                int phonePort = Sipp.freePort();
                Sipp.register(sipPort, "1001", phonePort); // the binding is in Redis
                try (Sipp phone = Sipp.phone("phone-waits-bye.xml", "1001", phonePort);
                     Sipp caller = Sipp.caller("caller-hangs-up.xml", sipPort, "1001")) {
                    String created = audit.awaitLine(l -> l.contains("cmd=sip_invite") && l.contains("outcome=created"));
                    String id = created.replaceAll(".*conversation=([0-9a-f]+).*", "$1");
                    redis.freeze();
                    try (Sipp refused = Sipp.caller("caller-refused.xml", sipPort, "1002")) {
                        refused.assertPassed(RUN);
                        assertTrue(refused.logs().contains("refused with 503"), refused.logs());
                    }
                    caller.assertPassed(RUN); // its BYE, sent while Redis is stopped, was answered
                    phone.assertPassed(RUN); // and relayed
                    assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_bye")), "not recorded yet");
                    redis.thaw();
                    audit.awaitLine(l -> l.contains("cmd=sip_bye") && l.contains("conversation=" + id)
                            && l.contains("outcome=ended"));
                }
            }
        }
    }

    @Test
    void aCallerThatCancelsWhileTheAnswerIsRecordedGets487AndNothingStays() throws Exception {
        Sipp.assumeInstalled();
        try (RedisServer redis = RedisServer.start()) {
            try (CcArmServer server = startOn(redis, 5_000)) {
                int sipPort = server.sipPort().orElseThrow();
                int phonePort = Sipp.freePort();
                Sipp.register(sipPort, "1001", phonePort);
                try (Sipp phone = Sipp.phone("phone-answers-late.xml", "1001", phonePort);
                     Sipp caller = Sipp.caller("caller-cancel-late.xml", sipPort, "1001")) {
                    phone.awaitMessage("SIP/2.0 180 Ringing"); // it answers 1 s later, the caller cancels 1.2 s after the 180
                    redis.freeze(); // so the answer's conversation is still being recorded when the CANCEL comes
                    caller.awaitMessage("CANCEL sip:");
                    redis.thaw();
                    caller.assertPassed(RUN); // 200 to its CANCEL, then 487: it never got a 200
                    phone.assertPassed(RUN); // its answer was ACKed and hung up
                    String ended = audit.awaitLine(l -> l.contains("cmd=sip_bye") && l.contains("outcome=ended"));
                    assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_invite")), "never answered: "
                            + ended);
                }
            }
        }
    }

    /** A server on {@code redis}, its store waiting {@code timeoutMillis}, SIP on a free port, the demo's operators. */
    private static CcArmServer startOn(RedisServer redis, long timeoutMillis) throws Exception {
        ServerConfig config = TestConfigs.withDemoOperators(TestConfigs.config(Optional.empty(), "demo"))
                .withStore(new StoreConfig("redis", redis.url(), timeoutMillis, "sip", 0))
                .withSip(SipConfig.DEFAULTS.onFreePort());
        return CcArmServer.start(config);
    }
}
