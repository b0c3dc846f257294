package org.ccarm.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logins, sessions and throttling (docs/protocol.md, "Sessions"), over the in-memory store, with a clock the test moves. */
class AuthenticationTest {

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-25T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private final MovableClock clock = new MovableClock();
    private final InMemoryAuthStore store = new InMemoryAuthStore();
    private final Authentication auth = new Authentication(store, new PasswordHashing(8),
            new Authentication.Policy(Duration.ofMinutes(30), Duration.ofHours(12), 5, 20, Duration.ofSeconds(60)), clock);

    AuthenticationTest() {
        auth.putOperator("demo", "1001", "demo-1001", false);
        auth.putOperator("demo", "9001", "demo-9001", true);
    }

    @AfterEach
    void close() {
        auth.close();
    }

    private Authentication.LoginResult.Started loginOk(String operator, String password) {
        return assertInstanceOf(Authentication.LoginResult.Started.class, auth.login("demo", operator, password, "10.0.0.1"));
    }

    @Test
    void aLoginOpensASessionWhoseTokenIsRandomAndKeptOnlyAsAHash() {
        Authentication.LoginResult.Started started = loginOk("1001", "demo-1001");
        assertEquals(32, Base64.getUrlDecoder().decode(started.token()).length, "256 random bits");
        assertEquals(Authentication.hashOf(started.token()), started.session().tokenHash());
        assertNotEquals(started.token(), started.session().tokenHash());
        assertEquals("1001", auth.resolve("demo", started.token()).orElseThrow().operatorId());
        assertNotEquals(started.token(), loginOk("1001", "demo-1001").token(), "every login a new token");
        assertTrue(loginOk("9001", "demo-9001").session().supervisor());
    }

    @Test
    void anUnknownOperatorAndAWrongPasswordAreTheSameAnswer() {
        assertInstanceOf(Authentication.LoginResult.Invalid.class, auth.login("demo", "1001", "wrong-password", "10.0.0.2"));
        assertInstanceOf(Authentication.LoginResult.Invalid.class, auth.login("demo", "7777", "demo-1001", "10.0.0.2"));
        assertInstanceOf(Authentication.LoginResult.Invalid.class, auth.login("other", "1001", "demo-1001", "10.0.0.2"));
    }

    @Test
    void fiveFailuresForOneOperatorFromOneAddressThrottleEvenTheRightPassword() {
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(Authentication.LoginResult.Invalid.class, auth.login("demo", "1001", "guess-" + i, "10.0.0.3"));
        }
        Authentication.LoginResult.Throttled throttled = assertInstanceOf(Authentication.LoginResult.Throttled.class,
                auth.login("demo", "1001", "demo-1001", "10.0.0.3"));
        assertTrue(throttled.retryAfterSeconds() >= 1 && throttled.retryAfterSeconds() <= 60);
        // a stranger elsewhere does not lock the operator out
        loginOk("1001", "demo-1001");
    }

    @Test
    void twentyFailuresFromOneAddressThrottleEveryOperatorFromIt() {
        for (int i = 0; i < 20; i++) {
            auth.login("demo", "op-" + i, "guess", "10.0.0.4");
        }
        assertInstanceOf(Authentication.LoginResult.Throttled.class, auth.login("demo", "9001", "demo-9001", "10.0.0.4"));
    }

    @Test
    void anIdleSessionEndsAndUseKeepsItAlive() {
        String token = loginOk("1001", "demo-1001").token();
        clock.advance(Duration.ofMinutes(20));
        assertTrue(auth.resolve("demo", token).isPresent(), "used after 20 minutes: the idle time restarts");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(auth.resolve("demo", token).isPresent());
        clock.advance(Duration.ofMinutes(31));
        assertTrue(auth.resolve("demo", token).isEmpty(), "31 minutes without use");
    }

    @Test
    void noSessionOutlivesItsLifetime() {
        String token = loginOk("1001", "demo-1001").token();
        for (int i = 0; i < 25; i++) {
            clock.advance(Duration.ofMinutes(29));
            auth.resolve("demo", token);
        }
        assertTrue(auth.resolve("demo", token).isEmpty(), "12 hours and more after login");
    }

    @Test
    void logoutDeletionAndANewPasswordEndSessions() {
        Authentication.LoginResult.Started first = loginOk("1001", "demo-1001");
        assertTrue(auth.logoutLater(first.session()).toCompletableFuture().join());
        assertTrue(auth.resolve("demo", first.token()).isEmpty());
        assertFalse(auth.logoutLater(first.session()).toCompletableFuture().join());

        String second = loginOk("1001", "demo-1001").token();
        auth.putOperator("demo", "1001", "a-new-password", false);
        assertTrue(auth.resolve("demo", second).isEmpty(), "a changed password ends the sessions");
        assertInstanceOf(Authentication.LoginResult.Invalid.class, auth.login("demo", "1001", "demo-1001", "10.0.0.5"));

        String third = loginOk("1001", "a-new-password").token();
        assertTrue(auth.deleteOperator("demo", "1001"));
        assertTrue(auth.resolve("demo", third).isEmpty(), "a deleted operator's sessions end");
    }

    @Test
    void aTokenOfOneDomainIsNoSessionInAnother() {
        String token = loginOk("1001", "demo-1001").token();
        assertTrue(auth.resolve("other", token).isEmpty());
        assertTrue(auth.resolve("demo", token + "x").isEmpty());
        assertTrue(auth.resolve("demo", "").isEmpty());
    }
}
