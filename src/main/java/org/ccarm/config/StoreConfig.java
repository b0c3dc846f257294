package org.ccarm.config;

import java.util.Objects;
import org.ccarm.events.EventLog;

/**
 * Where conversations live: {@code memory} (this process, the default) or {@code redis}
 * (shared by every instance that points at the same Redis).
 *
 * @param redisUrl      {@code redis://host:port}, {@code rediss://} for TLS, or
 *                      {@code redis-sentinel://host:26379,host2:26379#mymaster}
 * @param timeoutMillis the budget of one command's store work as a whole
 * @param prefix        the first part of every key ({@code ccarm:{demo}:conv:<id>})
 * @param waitReplicas  a change counts once this many replicas confirm it (Redis WAIT); 0 does not wait
 * @param eventsRetained the events each domain's stream keeps for subscribers that resume with {@code since}
 */
public record StoreConfig(String kind, String redisUrl, long timeoutMillis, String prefix, int waitReplicas,
                          int eventsRetained) {

    public static final StoreConfig MEMORY = new StoreConfig("memory", "redis://127.0.0.1:6379", 1_000, "ccarm", 0);

    /** Retaining the default number of events. */
    public StoreConfig(String kind, String redisUrl, long timeoutMillis, String prefix, int waitReplicas) {
        this(kind, redisUrl, timeoutMillis, prefix, waitReplicas, EventLog.DEFAULT_RETAINED);
    }

    public StoreConfig {
        Objects.requireNonNull(redisUrl, "redisUrl");
        if (!kind.equals("memory") && !kind.equals("redis")) {
            throw new IllegalArgumentException("'store.kind' must be memory or redis, not '" + kind + "'");
        }
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("'store.timeout-ms' must be positive");
        }
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("'store.redis.prefix' must be non-empty, without braces");
        }
        if (waitReplicas < 0) {
            throw new IllegalArgumentException("'store.redis.wait-replicas' must not be negative");
        }
        if (eventsRetained < 1) {
            throw new IllegalArgumentException("'store.events-retained' must be positive");
        }
    }

    public boolean isRedis() {
        return kind.equals("redis");
    }
}
