package org.ccarm.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A log that says a repeated thing once per interval, with a count, instead of once per
 * request: a client that sends the same bad request in a loop must not fill the disk
 * with the same line or stack. The first occurrence of each kind is logged (with its
 * stack, when there is one); the following ones in the same interval are only counted,
 * and the next one logged after the interval says how many there were.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final long startNanos;
        final AtomicLong suppressed = new AtomicLong();

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    public RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** A warning of this kind; {@code cause} may be null. */
    public void warn(String kind, String message, Throwable cause) {
        long now = System.nanoTime();
        long[] earlier = {-1};
        Window window = windows.compute(kind, (k, current) -> {
            if (current == null || now - current.startNanos >= intervalNanos) {
                earlier[0] = current == null ? 0 : current.suppressed.get();
                return new Window(now);
            }
            current.suppressed.incrementAndGet();
            return current;
        });
        if (earlier[0] < 0 || window == null) {
            return; // counted in the current window
        }
        String said = earlier[0] > 0 ? message + " (and " + earlier[0] + " more like it, not logged, since the last one)" : message;
        if (cause != null) {
            log.warn(said, cause);
        } else {
            log.warn(said);
        }
    }
}
