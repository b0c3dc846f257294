package org.ccarm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuthStore} promises, run against each implementation. */
public abstract class AuthStoreContract {

    private static final AtomicInteger DOMAINS = new AtomicInteger();
    private static final Duration IDLE = Duration.ofMinutes(30);

    protected AuthStore store;
    protected String domain;

    protected abstract AuthStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
        domain = "d" + DOMAINS.incrementAndGet() + "-" + System.nanoTime(); // a fresh domain: a shared store keeps others
        store.loadOperatorsOnce(domain, List.of()); // as the server does for every domain at start
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static final String HASH = "$argon2id$checked";

    private Session session(String operator, String hash, Instant created, Duration lifetime) {
        return new Session(domain, operator, false, hash, created, created.plus(lifetime));
    }

    /** Creates the session of an operator that exists with {@link #HASH}. */
    private void create(Session session, Duration idle) {
        store.putOperator(new Operator(domain, session.operatorId(), HASH, false));
        assertTrue(store.createSession(session, idle, HASH));
    }

    @Test
    void operatorsAreCreatedReplacedReadAndDeleted() {
        assertTrue(store.putOperator(new Operator(domain, "1001", "$argon2id$one", false)));
        assertFalse(store.putOperator(new Operator(domain, "1001", "$argon2id$two", true)));
        Operator read = store.operator(domain, "1001").orElseThrow();
        assertEquals("$argon2id$two", read.passwordHash());
        assertTrue(read.supervisor());
        store.loadOperatorsOnce("elsewhere-" + domain, List.of());
        assertTrue(store.operator("elsewhere-" + domain, "1001").isEmpty(), "an operator belongs to one domain");
        assertTrue(store.deleteOperator(domain, "1001"));
        assertFalse(store.deleteOperator(domain, "1001"));
        assertTrue(store.operator(domain, "1001").isEmpty());
    }

    @Test
    void aDomainsOperatorsAreLoadedOnceEver() {
        String fresh = domain + "-fixture";
        List<Operator> fixture = List.of(new Operator(fresh, "1001", "$argon2id$a", false),
                new Operator(fresh, "9001", "$argon2id$b", true));
        assertEquals(2, store.loadOperatorsOnce(fresh, fixture));
        store.deleteOperator(fresh, "1001");
        assertEquals(-1, store.loadOperatorsOnce(fresh, fixture));
        assertTrue(store.operator(fresh, "1001").isEmpty(), "a deleted operator must not come back from the fixture");
        assertTrue(store.operator(fresh, "9001").orElseThrow().supervisor());
    }

    @Test
    void aSessionLivesUntilItsIdleTimeWithoutUse() {
        Instant now = Instant.now();
        // windows of seconds, not tenths: a loaded machine may take most of a second between two calls
        create(session("1001", "h-idle", now, Duration.ofHours(12)), Duration.ofMillis(3_000));
        assertTrue(store.touchSession(domain, "h-idle", now.plusMillis(100), Duration.ofMillis(3_000)).isPresent());
        assertTrue(store.findSession(domain, "h-idle", now.plusMillis(200), Duration.ofMillis(3_000)).isPresent());
        Await.until(() -> store.findSession(domain, "h-idle", Instant.now(), Duration.ofMillis(3_000)).isEmpty(),
                "the idle session to expire");
    }

    @Test
    void useKeepsASessionAliveButNeverPastItsLifetime() {
        Instant now = Instant.now();
        create(session("1001", "h-life", now, Duration.ofMillis(3_000)), IDLE);
        Session read = store.touchSession(domain, "h-life", now, IDLE).orElseThrow();
        assertEquals("1001", read.operatorId());
        assertEquals(now.plusMillis(3_000).toEpochMilli(), read.expires().toEpochMilli());
        assertTrue(store.touchSession(domain, "h-life", now.plusMillis(3_100), IDLE).isEmpty(), "past its lifetime");
    }

    @Test
    void aSessionBelongsToOneDomain() {
        Instant now = Instant.now();
        create(session("1001", "h-dom", now, Duration.ofHours(1)), IDLE);
        assertTrue(store.touchSession("other-" + domain, "h-dom", now, IDLE).isEmpty());
    }

    @Test
    void endingASessionIsHeardAndFinal() {
        Set<String> ended = ConcurrentHashMap.newKeySet();
        store.onSessionEnded(ended::add);
        Instant now = Instant.now();
        create(session("1001", "h-end", now, Duration.ofHours(1)), IDLE);
        assertTrue(store.endSession(domain, "h-end"));
        assertFalse(store.endSession(domain, "h-end"));
        assertTrue(store.touchSession(domain, "h-end", now, IDLE).isEmpty());
        Await.until(() -> ended.contains("h-end"), "the ended session to be announced");
    }

    @Test
    void endingAnOperatorsSessionsEndsThemAllAndNoOneElses() {
        Instant now = Instant.now();
        create(session("1001", "h-a", now, Duration.ofHours(1)), IDLE);
        create(session("1001", "h-b", now, Duration.ofHours(1)), IDLE);
        create(session("1002", "h-c", now, Duration.ofHours(1)), IDLE);
        assertEquals(Set.of("h-a", "h-b"), Set.copyOf(store.endSessionsOf(domain, "1001")));
        assertTrue(store.touchSession(domain, "h-a", now, IDLE).isEmpty());
        assertTrue(store.touchSession(domain, "h-c", now, IDLE).isPresent());
        assertEquals(List.of(), store.endSessionsOf(domain, "1001"));
    }

    @Test
    void noSessionIsCreatedForAnOperatorDeletedOrGivenANewPasswordSinceTheCheck() {
        Instant now = Instant.now();
        store.putOperator(new Operator(domain, "1001", "$argon2id$new", false));
        assertFalse(store.createSession(session("1001", "h-stale", now, Duration.ofHours(1)), IDLE, "$argon2id$old"));
        assertFalse(store.createSession(session("1999", "h-gone", now, Duration.ofHours(1)), IDLE, "$argon2id$old"));
        assertTrue(store.touchSession(domain, "h-stale", now, IDLE).isEmpty());
        assertTrue(store.touchSession(domain, "h-gone", now, IDLE).isEmpty());
    }

    @Test
    void aDirectoryIsLoadedOnceItsFixtureIsEvenAnEmptyOne() {
        String fresh = domain + "-fresh";
        assertFalse(store.directoryLoaded(fresh));
        assertEquals(0, store.loadOperatorsOnce(fresh, List.of()));
        assertTrue(store.directoryLoaded(fresh));
        assertEquals(-1, store.loadOperatorsOnce(fresh, List.of()));
    }

    @Test
    void failuresAreCountedInAWindowThatEndsAndReadWithoutCounting() {
        List<String> both = List.of("op:1001|10.0.0.1", "addr:10.0.0.1");
        assertEquals(List.of(new AuthStore.Attempts(0, 0), new AuthStore.Attempts(0, 0)), store.failures(domain, both));
        assertEquals(1, store.countFailure(domain, both, Duration.ofMillis(3_000)).get(1).count());
        List<AuthStore.Attempts> second = store.countFailure(domain, both, Duration.ofMillis(3_000));
        assertEquals(2, second.get(0).count());
        assertTrue(second.get(0).millisLeft() > 0 && second.get(0).millisLeft() <= 3_000, "ms left: " + second.get(0).millisLeft());
        assertEquals(2, store.failures(domain, both).get(1).count(), "reading counts nothing");
        assertEquals(2, store.failures(domain, both).get(1).count());
        assertEquals(1, store.countFailure(domain, List.of("addr:10.0.0.2"), Duration.ofMillis(3_000)).get(0).count());
        Await.until(() -> store.failures(domain, both).get(0).count() == 0, "the window to end");
        assertEquals(1, store.countFailure(domain, both, Duration.ofMillis(3_000)).get(0).count(), "a new window starts at 1");
    }
}
