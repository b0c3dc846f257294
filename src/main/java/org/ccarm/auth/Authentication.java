package org.ccarm.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.ccarm.store.StoreUnavailableException;

/**
 * Logins, sessions and the operator directory, over an {@link AuthStore}.
 *
 * <p>A token is 32 random bytes (base64url); the store keeps only its SHA-256, so a copy
 * of the store gives no one a session. A login with an unknown operator checks the
 * password against a dummy hash, so both wrong answers take the same time. Failed
 * logins are counted per operator and address, and per address, in a fixed window;
 * once either count is reached, logins are refused for the rest of the window even with
 * the right password, so guessing stays slow without letting a stranger elsewhere lock
 * a real operator out.
 */
public final class Authentication implements AutoCloseable {

    /** How long sessions live and how many failures a window allows. */
    public record Policy(Duration idle, Duration lifetime, int maxFailuresPerOperator, int maxFailuresPerAddress,
                         Duration failureWindow) {
        public Policy {
            Objects.requireNonNull(idle, "idle");
            Objects.requireNonNull(lifetime, "lifetime");
            Objects.requireNonNull(failureWindow, "failureWindow");
        }
    }

    /** What a login came to. */
    public sealed interface LoginResult {
        /** A new session, and its token: the only time the token exists on the server. */
        record Started(Session session, String token) implements LoginResult {
            @Override
            public String toString() {
                return "Started[" + session + ", token=***]"; // never a token in a log
            }
        }

        /** Unknown operator or wrong password: the caller cannot tell which. */
        record Invalid() implements LoginResult {}

        /** Too many failures lately; try again after this many seconds. */
        record Throttled(long retryAfterSeconds) implements LoginResult {}

        /** Every password check is busy; try again after this many seconds. */
        record Busy(long retryAfterSeconds) implements LoginResult {}
    }

    private static final int TOKEN_BYTES = 32;
    private static final long TOUCH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a request thread waits for its password check (queued behind at most the pool's queue). */
    private static final long CHECK_WAIT_SECONDS = 10;
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private final AuthStore store;
    private final PasswordHashing hashing;
    private final Policy policy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final InFlight checksInFlight = new InFlight();
    /** When each session was last touched by a connection, by token hash (nanoTime); purged every second. */
    private final ConcurrentMap<String, Long> recentTouches = new ConcurrentHashMap<>();

    public Authentication(AuthStore store, PasswordHashing hashing, Policy policy, Clock clock) {
        this.store = store;
        this.hashing = hashing;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Checks the password and opens a session, answered later: the limits and the operator
     * are read from the store, and the password checked on the hashing pool, with no server
     * thread waiting for either (what follows the check, a failure counted or the session
     * created, runs on the pool's thread). At most the pool's queue of checks waits at once: beyond it, and past
     * {@link #CHECK_WAIT_SECONDS}, {@link LoginResult.Busy}.
     *
     * <p>Only a check that failed counts toward the limits: a login that succeeded, was
     * refused, busy, or answered 503 because the store did not answer counts nothing (a shift
     * start behind one address once locked everyone out, and a Redis blip once became a
     * lockout). So that guesses sent in parallel stay capped too, the checks in flight for
     * one operator from one address are limited to what is left of its budget of failures;
     * the excess is {@link LoginResult.Busy}.
     */
    public CompletionStage<LoginResult> loginLater(String domain, String operatorId, String password,
                                                   String clientAddress) {
        List<String> counters = List.of("op:" + operatorId + "|" + clientAddress, "addr:" + clientAddress);
        return store.failuresLater(domain, counters).thenCompose(failed -> {
            AuthStore.Attempts forOperator = failed.get(0);
            AuthStore.Attempts fromAddress = failed.get(1);
            boolean operatorOver = forOperator.count() >= policy.maxFailuresPerOperator();
            if (operatorOver || fromAddress.count() >= policy.maxFailuresPerAddress()) {
                long millisLeft = operatorOver ? forOperator.millisLeft() : fromAddress.millisLeft();
                return CompletableFuture.completedFuture(new LoginResult.Throttled(Math.max(1, (millisLeft + 999) / 1000)));
            }
            String guesser = domain + " " + counters.get(0);
            if (!checksInFlight.tryEnter(guesser, policy.maxFailuresPerOperator() - (int) forOperator.count())) {
                return CompletableFuture.completedFuture(new LoginResult.Busy(1));
            }
            CompletionStage<Optional<Operator>> operatorRead;
            try {
                operatorRead = store.operatorLater(domain, operatorId);
            } catch (RuntimeException e) {
                operatorRead = CompletableFuture.failedFuture(e); // left below, like any failure
            }
            return operatorRead.thenCompose(operator -> {
                String checkedHash = operator.map(Operator::passwordHash).orElse(null);
                return hashing.verify(password, checkedHash).orTimeout(CHECK_WAIT_SECONDS, TimeUnit.SECONDS)
                        .thenApply(matches -> afterCheck(matches, domain, operatorId, operator, checkedHash, counters));
            }).exceptionally(failure -> {
                Throwable cause = StoreUnavailableException.unwrap(failure);
                if (cause instanceof TimeoutException || cause instanceof RejectedExecutionException) {
                    return new LoginResult.Busy(1); // the pool's queue is full, or the check waited too long for it
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(cause);
            }).whenComplete((done, failure) -> checksInFlight.leave(guesser));
        });
    }

    /** What a finished check leads to: a failure counted, or a session (unless the password changed meanwhile). */
    private LoginResult afterCheck(boolean matches, String domain, String operatorId, Optional<Operator> operator,
                                   String checkedHash, List<String> counters) {
        if (!matches) {
            store.countFailure(domain, counters, policy.failureWindow());
            return new LoginResult.Invalid();
        }
        String token = newToken();
        Instant now = clock.instant();
        Session session = new Session(domain, operatorId, operator.get().supervisor(), hashOf(token), now,
                now.plus(policy.lifetime()));
        if (!store.createSession(session, policy.idle(), checkedHash)) {
            return new LoginResult.Invalid(); // deleted or given a new password while its old one was checked
        }
        return new LoginResult.Started(session, token);
    }

    /** {@link #loginLater}, waited for on this thread: for tests and tools, never for a request. */
    public LoginResult login(String domain, String operatorId, String password, String clientAddress) {
        try {
            return loginLater(domain, operatorId, password, clientAddress).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** The live session a token opens in {@code domain}, its idle time restarted; empty when none. */
    public Optional<Session> resolve(String domain, String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        return store.touchSession(domain, hashOf(token), clock.instant(), policy.idle());
    }

    /** {@link #resolve}, answered later: no thread waits for a store on the network meanwhile. */
    public CompletionStage<Optional<Session>> resolveLater(String domain, String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.touchSessionLater(domain, hashOf(token), clock.instant(), policy.idle());
    }

    /**
     * Whether the session of this token hash is still alive, without counting the question
     * as use (for sessions held open by connections), answered later. While the store
     * cannot be reached, yes: a blip of the store must not close every connection.
     */
    public CompletionStage<Boolean> isAliveLater(String domain, String tokenHash) {
        return store.findSessionLater(domain, tokenHash, clock.instant(), policy.idle()).handle((session, failure) -> {
            if (failure == null) {
                return session.isPresent();
            }
            if (StoreUnavailableException.in(failure).isPresent()) {
                return true;
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }

    /**
     * Counts a connection held open in the session of this token hash as use (its idle
     * time restarts): a websocket's ping, an open event stream. At most once a second per
     * session: one socket sent 631,000 pings in 8 s, and each was a store write (on Redis, a
     * command) that every other client waited behind. While the store cannot be reached,
     * nothing: the next one tries again.
     */
    public void touch(String domain, String tokenHash) {
        long now = System.nanoTime();
        Long last = recentTouches.get(tokenHash);
        if (last != null && now - last < TOUCH_INTERVAL_NANOS) {
            return;
        }
        recentTouches.put(tokenHash, now);
        // asked, not waited for: the caller is a connection's thread (a ping)
        store.touchSessionLater(domain, tokenHash, clock.instant(), policy.idle()).whenComplete((session, failure) -> {
            if (failure != null) {
                recentTouches.remove(tokenHash); // not counted this time
            }
        });
    }

    /**
     * Ends the session everywhere, answered when the store has: false when it had ended
     * already; fails with the store's unavailability.
     */
    public CompletionStage<Boolean> logoutLater(Session session) {
        return store.endSessionLater(session.domain(), session.tokenHash());
    }

    /** Creates or replaces an operator (its sessions end when its password changes); true when created. */
    public boolean putOperator(String domain, String id, String password, boolean supervisor) {
        String hash = await(hashing.hash(password));
        boolean created = store.putOperator(new Operator(domain, id, hash, supervisor));
        if (!created) {
            store.endSessionsOf(domain, id);
        }
        return created;
    }

    public Optional<Operator> operator(String domain, String id) {
        return store.operator(domain, id);
    }

    /** Deletes an operator and ends its sessions; false when there was none. */
    public boolean deleteOperator(String domain, String id) {
        boolean deleted = store.deleteOperator(domain, id);
        store.endSessionsOf(domain, id);
        return deleted;
    }

    /** Loads a domain's operators from its fixture, once ever. */
    public int loadOperatorsOnce(String domain, List<Operator> operators) {
        return store.loadOperatorsOnce(domain, operators);
    }

    /** Whether the domain's directory is loaded: false after a shared store lost its data, until it is loaded again. */
    public boolean directoryLoaded(String domain) {
        return store.directoryLoaded(domain);
    }

    /** Hears the token hash of every session ended by a logout or a deletion, on any instance. */
    public void onSessionEnded(Consumer<String> listener) {
        store.onSessionEnded(listener);
    }

    /** Forgets expired sessions and counts (in memory; Redis expires them itself), and touches long past. */
    public void purgeExpired() {
        long now = System.nanoTime();
        recentTouches.values().removeIf(last -> now - last >= TOUCH_INTERVAL_NANOS);
        store.purgeExpired(clock.instant(), policy.idle());
    }

    /** The hash a session is known by: SHA-256 of the token, in hex. */
    public static String hashOf(String token) {
        MessageDigest digest = SHA_256.get();
        return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A hash for the operator directory (the switch feed, which still waits on its thread). */
    private static String await(CompletableFuture<String> hash) {
        try {
            return hash.get(CHECK_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing a password", e);
        } catch (TimeoutException e) {
            hash.cancel(true);
            throw new RejectedExecutionException("the password was not hashed in time", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        hashing.close();
    }
}
