package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.SipConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.ccarm.testing.ServerProcess;
import org.ccarm.testing.Sipp;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP across two instances on one real redis-server (README, "Several instances and
 * SIP"): instance B in a process of its own (so that it can be frozen), instance A in the
 * test's JVM, SIPp as the caller and the operator's phone. The phone registers through A
 * and the call comes in through B, which carries it; a hold and its release asked of A are
 * handed to B, which re-INVITEs both legs (checked on the wire by the SIPp scenarios), as
 * is the switch feed's DELETE, which B turns into a BYE on each leg; a frozen owner is
 * answered 503 {@code owner_unavailable} within the hand-over's time.
 */
class SipInstancesEndToEndTest {

    private static final Duration RUN = Duration.ofSeconds(30);
    private static final long HANDOVER_TIMEOUT_MS = 1_500;
    private static final long OWNER_TTL_MS = 2_000;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @RegisterExtension
    final AuditCapture audit = new AuditCapture();

    @BeforeEach
    void sipp() {
        Sipp.assumeInstalled();
    }

    /** Instance B: its own process on the Redis store, SIP on a free port, named b. */
    private ServerProcess startB(RedisServer redis) throws Exception {
        return startB(redis, 0);
    }

    /** B, waiting up to {@code drainMillis} for its calls when stopped. */
    private ServerProcess startB(RedisServer redis, long drainMillis) throws Exception {
        return startProcess("b", redis, drainMillis);
    }

    /** An instance named {@code name} in its own process (its files under the test's directory by that name). */
    private ServerProcess startProcess(String name, RedisServer redis, long drainMillis) throws Exception {
        return startProcess(name, redis, drainMillis, OWNER_TTL_MS);
    }

    /** The same, its liveness lasting {@code ttlMillis}. */
    private ServerProcess startProcess(String name, RedisServer redis, long drainMillis, long ttlMillis) throws Exception {
        return ServerProcess.start(dir, name, String.join("\n", "http.port = 0", "ops.port = 0", "domains = demo",
                "domain.demo.operators = " + Path.of("config", "demo-operators.json").toAbsolutePath(),
                "auth.mode = off", "store.kind = redis", "store.redis.url = " + redis.url(), "sip.port = 0",
                "sip.instance-id = " + name.replaceAll("[^a-z]", ""), "sip.owner-ttl-ms = " + ttlMillis,
                "sip.drain-ms = " + drainMillis, "shutdown.drain-ms = 300", ""), Map.of()); // (no balancer to wait for)
    }

    /** Instance A: in this JVM, the same store, SIP on too (the phone registers through it), named a. */
    private CcArmServer startA(RedisServer redis) throws Exception {
        StoreConfig store = new StoreConfig("redis", redis.url(), 1_000, "ccarm", 0);
        return CcArmServer.start(TestConfigs.withDemoOperators(TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo"))
                .withStore(store).withSip(SipConfig.DEFAULTS.onFreePort().asInstance("a", HANDOVER_TIMEOUT_MS)
                        .withOwnerTimes(OWNER_TTL_MS, 0)));
    }

    @Test
    void aCallCarriedByBIsHeldAndReleasedThroughAWithBothLegsReInvited() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis); CcArmServer a = startA(redis)) {
            int phonePort = Sipp.freePort();
            Sipp.register(a.sipPort().orElseThrow(), "1001", phonePort); // through A: the binding is in Redis
            try (Sipp phone = Sipp.phone("phone.xml", "1001", phonePort);
                 Sipp caller = Sipp.caller("caller.xml", b.sipPort(), "1001")) { // the call comes in through B
                Conversation call = awaitCall(redis);
                String id = call.id();
                assertEquals(Optional.of(b.instance()), call.owner(), "B carries the call: " + call);
                assertTrue(b.instance().startsWith("b#"), "the configured name with an incarnation: " + b.instance());

                long start = System.nanoTime();
                HttpResponse<String> held = command(a.uri(), "call_hold", id);
                long holdMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(200, held.statusCode(), held.body());
                assertTrue(stored(redis, id).isOnHold(), "recorded by B once both legs accepted");
                start = System.nanoTime();
                HttpResponse<String> released = command(a.uri(), "call_unhold", id);
                long releaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(200, released.statusCode(), released.body());
                assertTrue(!stored(redis, id).isOnHold());
                // the rules run where the command arrived, as always: nothing is handed over for a refusal
                HttpResponse<String> refused = command(a.uri(), "call_unhold", id);
                assertEquals(403, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("is not on hold"), refused.body());

                caller.assertPassed(RUN); // it checked the hold's and the release's re-INVITEs, then hung up
                phone.assertPassed(RUN); // likewise, then took the BYE B relayed
                System.out.printf("sip across instances: a hold handed from A to the owner B answered in %d ms, "
                        + "its release in %d ms (both legs re-INVITEd each time)%n", holdMillis, releaseMillis);
            }
        }
    }

    @Test
    void aFrozenOwnerIsAnswered503OwnerUnavailableWithinTheHandoverTime() throws Exception {
        // B's liveness outlasts the freeze (two hand-over timeouts): frozen longer, A would rightly take it for lost
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startProcess("b", redis, 0, 30_000);
             CcArmServer a = startA(redis)) {
            try (UpCall call = upCall(redis, a.sipPort().orElseThrow(), b.sipPort(), "phone-waits-bye.xml", "caller-waits-bye.xml")) {
                String id = call.id();
                call.phone().awaitMessage("ACK sip:");
                b.freeze();
                long start = System.nanoTime();
                HttpResponse<String> answer = command(a.uri(), "call_hold", id);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(503, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("reason=\"owner_unavailable\"") && answer.body().contains(b.instance())
                        && answer.body().contains("outcome unknown"), answer.body());
                assertEquals("1", answer.headers().firstValue("Retry-After").orElse(""));
                assertTrue(millis >= HANDOVER_TIMEOUT_MS - 50 && millis < HANDOVER_TIMEOUT_MS + 2_000,
                        "answered at the hand-over's deadline, not before nor long after: " + millis + " ms");
                assertTrue(!stored(redis, id).isOnHold(), "nothing recorded meanwhile");
                // the switch feed's DELETE likewise: the owner must hang up; silent, nothing is ended
                HttpResponse<String> ended = http.send(HttpRequest.newBuilder(a.uri().resolve(
                        "admin/domains/demo/conversations/" + id)).header("Authorization", "Bearer " + RunningServer.TOKEN)
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, ended.statusCode(), ended.body());
                assertTrue(ended.body().contains("\"owner_unavailable\""), ended.body());
                assertEquals("1", ended.headers().firstValue("Retry-After").orElse(""));
                stored(redis, id); // still there
                System.out.printf("sip across instances: a command for a frozen owner answered 503 owner_unavailable "
                        + "after %d ms (sip.handover-timeout-ms %d)%n", millis, HANDOVER_TIMEOUT_MS);
            }
        }
    }

    @Test
    void theFeedsDeleteThroughAHangsUpTheCallBCarries() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis); CcArmServer a = startA(redis)) {
            try (UpCall call = upCall(redis, a.sipPort().orElseThrow(), b.sipPort(), "phone-waits-bye.xml", "caller-waits-bye.xml")) {
                String id = call.id();
                HttpResponse<String> ended = http.send(HttpRequest.newBuilder(a.uri().resolve(
                        "admin/domains/demo/conversations/" + id)).header("Authorization", "Bearer " + RunningServer.TOKEN)
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(204, ended.statusCode(), ended.body());
                call.caller().assertPassed(RUN); // B sent each leg its BYE
                call.phone().assertPassed(RUN);
                try (ConversationStore direct = open(redis)) {
                    assertTrue(direct.find(new ConversationKey("demo", id)).isEmpty());
                }
            }
        }
    }

    @Test
    void anOwnerKilledHasItsCallsHungUpByASurvivorFromTheDialogsItKept() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis); CcArmServer a = startA(redis)) {
            try (UpCall call = upCall(redis, a.sipPort().orElseThrow(), b.sipPort(), "phone-waits-bye.xml", "caller-waits-bye.xml")) {
                String id = call.id();
                EventLines events = EventLines.open(http, a.uri(), "demo");
                events.await("\"type\":\"snapshot_end\"", 10);
                awaitDialogsKept(redis, b);
                b.kill();
                long killed = System.nanoTime();
                events.await("\"conversation_id\":\"" + id + "\",\"status\":\"released\"", 20);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                call.caller().assertPassed(RUN); // A sent each leg a BYE from the dialogs B kept
                call.phone().assertPassed(RUN);
                audit.awaitLine(l -> l.contains("cmd=sip_owner_lost") && l.contains("conversation=" + id)
                        && l.contains("outcome=owner_lost"));
                assertTrue(millis < OWNER_TTL_MS + 5_000, "released within the time to live and a few seconds: " + millis);
                System.out.printf("sip across instances: the owner killed (SIGKILL), its call released by the survivor "
                        + "%d ms later (sip.owner-ttl-ms %d), both legs sent a BYE%n", millis, OWNER_TTL_MS);
            }
        }
    }

    @Test
    void anOwnerFrozenPastItsTimeToLiveFindsItsCallReleasedWhenItWakesAndHangsItUpToo() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis); CcArmServer a = startA(redis)) {
            try (UpCall call = upCall(redis, a.sipPort().orElseThrow(), b.sipPort(), "phone-waits-bye.xml", "caller-waits-bye.xml")) {
                String id = call.id();
                awaitDialogsKept(redis, b);
                b.freeze();
                audit.awaitLine(l -> l.contains("cmd=sip_owner_lost") && l.contains("conversation=" + id));
                call.caller().assertPassed(RUN);
                call.phone().assertPassed(RUN);
                b.thaw();
                b.await("call " + id + " was released by another instance while this one was presumed lost");
            }
        }
    }

    @Test
    void aRedisFreezeLongerThanTheTimeToLiveEndsNoCall() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis); CcArmServer a = startA(redis)) {
            try (UpCall call = upCall(redis, a.sipPort().orElseThrow(), b.sipPort(), "phone-waits-bye.xml", "caller-waits-bye.xml")) {
                String id = call.id();
                redis.freeze();
                Thread.sleep(OWNER_TTL_MS + 1_000); // every liveness key expires meanwhile (Redis checks on waking)
                redis.thaw();
                Thread.sleep(3 * OWNER_TTL_MS); // long enough for a survivor that did not wait to have ended the call
                assertTrue(audit.lines().stream().noneMatch(l -> l.contains("cmd=sip_owner_lost")), "nobody declared lost");
                try (ConversationStore direct = open(redis)) {
                    assertTrue(direct.find(new ConversationKey("demo", id)).isPresent(), "the call is still up");
                }
                assertEquals(-1, call.caller().awaitExit(Duration.ofMillis(100)),
                        "the caller got no BYE (still waiting for one)");
                assertEquals(-1, call.phone().awaitExit(Duration.ofMillis(100)), "nor the phone");
            }
        }
    }

    @Test
    void aStoppingOwnerRefusesNewCallsServesItsCallsHandedOverAndStopsWhenTheyEnd() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess b = startB(redis, 20_000); CcArmServer a = startA(redis)) {
            int phonePort = Sipp.freePort();
            Sipp.register(a.sipPort().orElseThrow(), "1001", phonePort);
            try (Sipp phone = Sipp.phone("phone.xml", "1001", phonePort);
                 Sipp caller = Sipp.caller("caller.xml", b.sipPort(), "1001")) {
                String id = awaitCall(redis).id();
                URI bOps = b.uri("ops listening on");
                b.terminate(); // SIGTERM, as an orchestrator stops it
                long stopped = System.nanoTime();
                b.await("waiting up to \\d+ ms for 1 call\\(s\\) to end");
                Await.until(() -> status(bOps.resolve("health/ready")) == 503, "B not ready while it drains");
                try (Sipp refused = Sipp.caller("caller-refused.xml", b.sipPort(), "1002")) {
                    refused.assertPassed(RUN);
                    assertTrue(refused.logs().contains("refused with 503"), refused.logs());
                }
                // its call goes on: a hold and a release through A are handed to B and made
                assertEquals(200, command(a.uri(), "call_hold", id).statusCode());
                assertEquals(200, command(a.uri(), "call_unhold", id).statusCode());
                caller.assertPassed(RUN); // the caller hangs up after the release
                phone.assertPassed(RUN);
                assertTrue(b.awaitExit(Duration.ofSeconds(10)), "B stops once its last call ended, before sip.drain-ms");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
                assertTrue(millis < 20_000, "well before the drain's end: " + millis);
                try (ConversationStore direct = open(redis)) {
                    assertTrue(direct.find(new ConversationKey("demo", id)).isEmpty(), "the call's end was recorded");
                }
                System.out.printf("sip across instances: a stopping owner served its call's hold and release and stopped "
                        + "%d ms after SIGTERM, when the call ended (sip.drain-ms 20000)%n", millis);
            }
        }
    }

    @Test
    void aRollingRestartOfBothInstancesLosesNoCallThatStaysUp() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerProcess a = startProcess("a", redis, 20_000);
             ServerProcess b = startProcess("b", redis, 20_000)) {
            try (UpCall call = upCall(redis, a.sipPort(), b.sipPort(), "phone-waits-bye.xml", "caller-hangs-up-later.xml")) { // through B, 8 s long
                String id = call.id();
                awaitDialogsKept(redis, b);
                // A first: it carries nothing, so it stops at once; its successor must not take B's call for lost
                a.terminate();
                assertTrue(a.awaitExit(Duration.ofSeconds(15)), "A stops");
                try (ServerProcess a2 = startProcess("a2", redis, 20_000)) {
                    a2.uri();
                    // then B: it waits for its call, which the caller ends, and stops
                    long stopped = System.nanoTime();
                    b.terminate();
                    call.caller().assertPassed(RUN); // its BYE reached the phone through B, which was draining
                    call.phone().assertPassed(RUN);
                    assertTrue(b.awaitExit(Duration.ofSeconds(15)), "B stops once its call ended");
                    long drained = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
                    try (ServerProcess b2 = startProcess("b2", redis, 20_000)) {
                        b2.uri();
                        try (ConversationStore direct = open(redis)) {
                            assertTrue(direct.find(new ConversationKey("demo", id)).isEmpty(), "the call's end recorded");
                        }
                        for (ServerProcess instance : List.of(a, b, a2, b2)) {
                            assertTrue(!instance.log().contains("is lost"), "nobody was taken for lost: " + instance.log());
                        }
                        System.out.printf("sip across instances: a rolling restart with a call up: A restarted at once, B "
                                + "stopped %d ms after SIGTERM, when its call ended; the call lost nothing%n", drained);
                    }
                }
            }
        }
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A call up through one instance to operator 1001's phone, registered through another, and its SIPp ends. */
    private record UpCall(Sipp phone, Sipp caller, String id) implements AutoCloseable {
        @Override
        public void close() {
            try {
                caller.close();
            } finally {
                phone.close(); // both SIPp processes end, whatever the test did
            }
        }
    }

    /**
     * Registers a SIPp phone for operator 1001 through the instance on {@code registrarSipPort},
     * calls it from a SIPp caller through the instance on {@code carrierSipPort}, and returns
     * once the call is up (its conversation stored, the caller's 200 in).
     */
    private UpCall upCall(RedisServer redis, int registrarSipPort, int carrierSipPort, String phoneScenario,
                          String callerScenario) {
        int phonePort = Sipp.freePort();
        Sipp.register(registrarSipPort, "1001", phonePort);
        Sipp phone = Sipp.phone(phoneScenario, "1001", phonePort);
        Sipp caller = Sipp.caller(callerScenario, carrierSipPort, "1001");
        try {
            String id = awaitCall(redis).id();
            caller.awaitMessage("SIP/2.0 200 OK");
            return new UpCall(phone, caller, id);
        } catch (RuntimeException | Error e) {
            phone.close();
            caller.close();
            throw e;
        }
    }

    /** B has kept its call's dialogs in the store (what a survivor hangs it up from). */
    private void awaitDialogsKept(RedisServer redis, ServerProcess b) {
        Await.until(() -> {
            try (ConversationStore direct = open(redis)) {
                return direct.callOwners().owners("demo").toCompletableFuture().join().contains(b.instance());
            }
        }, RUN, "B keeps its call's dialogs in the store; its log: " + b.log());
    }

    /** The one call of the domain once it is up, as the store has it. */
    private Conversation awaitCall(RedisServer redis) {
        Conversation[] found = new Conversation[1];
        Await.until(() -> {
            try (ConversationStore direct = open(redis)) {
                for (Iterator<List<Conversation>> batches = direct.events().snapshot("demo"); batches.hasNext(); ) {
                    for (Conversation conversation : batches.next()) {
                        if (conversation.isCarriedCall()) {
                            found[0] = conversation;
                            return true;
                        }
                    }
                }
                return false;
            }
        }, RUN, "the call is up");
        return found[0];
    }

    private static ConversationStore open(RedisServer redis) {
        return CcArmServer.openStore(new StoreConfig("redis", redis.url(), 1_000, "ccarm", 0));
    }

    private Conversation stored(RedisServer redis, String id) {
        try (ConversationStore direct = open(redis)) {
            return direct.find(new ConversationKey("demo", id)).orElseThrow();
        }
    }

    private HttpResponse<String> command(URI server, String command, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(server.resolve("demo/service/cc/arm/" + command))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><" + command + " conversation_id=\"" + id + "\"/></request></in>")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
