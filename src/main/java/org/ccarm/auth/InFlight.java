package org.ccarm.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How many password checks are in flight per key (an operator from an address), in this
 * process, so that parallel guesses cannot outrun the count of failures: a key may have
 * no more checks in flight than it has failures left. Keys with none in flight are
 * forgotten.
 */
final class InFlight {

    private final ConcurrentMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** One more in flight for {@code key}, unless it has {@code limit} already; false then. */
    boolean tryEnter(String key, int limit) {
        boolean[] entered = {false};
        counts.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            entered[0] = true;
            return now + 1;
        });
        return entered[0];
    }

    /** One fewer in flight for {@code key}. */
    void leave(String key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
