package org.ccarm.transport.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.ccarm.logging.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * The switch feed's bearer token, and what keeps it from being guessed: a wrong or missing
 * token is counted ({@code ccarm_admin_auth_failures_total}) and logged at most once a
 * minute, and an address with {@link #MAX_FAILURES} failures in a window is refused 429
 * for the rest of it, even with the right token (as logins are). Digests are compared with
 * {@link MessageDigest#isEqual}, whose time does not depend on where they differ.
 *
 * <p>Counted in this process only: the feed is an operator's tool on a trusted network,
 * and a guesser spread over every instance still gets a handful of guesses a minute.
 */
final class AdminTokenGuard {

    /** Failed checks one address may make in a window before it is refused. */
    static final int MAX_FAILURES = 10;
    static final long WINDOW_MILLIS = 60_000;
    /** Addresses remembered at most; past it, expired windows are forgotten first, then all (a flood of addresses). */
    private static final int MAX_ADDRESSES = 10_000;
    private static final RateLimitedLog FAILURES =
            new RateLimitedLog(LoggerFactory.getLogger(AdminTokenGuard.class), 1, TimeUnit.MINUTES);

    /** What a request's token came to. */
    sealed interface Verdict {
        record Admitted() implements Verdict {}

        record Unauthorized() implements Verdict {}

        record Throttled(long retryAfterSeconds) implements Verdict {}
    }

    private final Optional<byte[]> digest;
    private final Runnable failureCounter;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long startNanos, int failures) {}

    /** {@code failureCounter} hears every failed check (the metric). */
    AdminTokenGuard(Optional<String> token, Runnable failureCounter) {
        this.digest = token.map(AdminTokenGuard::sha256);
        this.failureCounter = failureCounter;
    }

    /** Whether the feed exists at all: without a token it does not. */
    boolean enabled() {
        return digest.isPresent();
    }

    Verdict check(String authorization, String clientAddress) {
        long now = System.nanoTime();
        Window window = windows.get(clientAddress);
        if (window != null && now - window.startNanos() < TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)
                && window.failures() >= MAX_FAILURES) {
            long leftMillis = WINDOW_MILLIS - TimeUnit.NANOSECONDS.toMillis(now - window.startNanos());
            return new Verdict.Throttled(Math.max(1, (leftMillis + 999) / 1000));
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(sha256(authorization.substring(7).trim()), digest.orElseThrow())) {
            return new Verdict.Admitted();
        }
        failed(clientAddress, now);
        return new Verdict.Unauthorized();
    }

    private void failed(String clientAddress, long now) {
        failureCounter.run();
        FAILURES.warn("admin_auth", "refused switch feed requests without the right token (the last from "
                + clientAddress + ")", null);
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> now - w.startNanos() >= TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS));
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.compute(clientAddress, (address, window) ->
                window == null || now - window.startNanos() >= TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)
                        ? new Window(now, 1) : new Window(window.startNanos(), window.failures() + 1));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
