package org.ccarm.config;

/**
 * What one client may take of the server (README, "Limits"). Past a limit the client
 * gets a clear refusal, never a stall for others.
 *
 * @param maxBodyBytes             the largest request body, and the largest websocket message
 * @param maxConnections           open connections in total (websockets included)
 * @param maxConnectionsPerAddress open connections from one client address
 * @param headerTimeoutMillis      a request's head (request line and headers) must arrive within this
 *                                 from its first byte; also how long an idle connection stays open
 * @param bodyTimeoutMillis        a request's body must arrive within this
 * @param minBodyBytesPerSecond    and at least this fast, after its first two seconds
 * @param maxHeaderBytes           the largest request head (request line and headers)
 * @param websocketIdleMillis      a websocket without any traffic for this long is closed
 * @param eventQueue               live events a subscriber may leave unread; one more ends its subscription
 * @param acceptQueueSize          connections the kernel may hold for the listener before it accepts them
 *                                 ({@code http.accept-queue-size}, the listen backlog): Java's default of
 *                                 50 dropped about one in fifty of a burst of 1,000 (each a 1 s SYN retry)
 */
public record Limits(int maxBodyBytes, int maxConnections, int maxConnectionsPerAddress, long headerTimeoutMillis,
                     long bodyTimeoutMillis, int minBodyBytesPerSecond, int maxHeaderBytes, long websocketIdleMillis,
                     int eventQueue, int acceptQueueSize) {

    /** Live events a subscriber may leave unread, unless configured otherwise. */
    public static final int DEFAULT_EVENT_QUEUE = 1_024;
    /** The listen backlog, unless configured otherwise (the kernel may cap it: net.core.somaxconn). */
    public static final int DEFAULT_ACCEPT_QUEUE = 1_024;
    public static final Limits DEFAULTS = new Limits(64 * 1024, 10_000, 1_000, 10_000, 10_000, 256, 8_192, 300_000,
            DEFAULT_EVENT_QUEUE, DEFAULT_ACCEPT_QUEUE);

    /** With the default listen backlog. */
    public Limits(int maxBodyBytes, int maxConnections, int maxConnectionsPerAddress, long headerTimeoutMillis,
                  long bodyTimeoutMillis, int minBodyBytesPerSecond, int maxHeaderBytes, long websocketIdleMillis,
                  int eventQueue) {
        this(maxBodyBytes, maxConnections, maxConnectionsPerAddress, headerTimeoutMillis, bodyTimeoutMillis,
                minBodyBytesPerSecond, maxHeaderBytes, websocketIdleMillis, eventQueue, DEFAULT_ACCEPT_QUEUE);
    }

    /** With the default event queue. */
    public Limits(int maxBodyBytes, int maxConnections, int maxConnectionsPerAddress, long headerTimeoutMillis,
                  long bodyTimeoutMillis, int minBodyBytesPerSecond, int maxHeaderBytes, long websocketIdleMillis) {
        this(maxBodyBytes, maxConnections, maxConnectionsPerAddress, headerTimeoutMillis, bodyTimeoutMillis,
                minBodyBytesPerSecond, maxHeaderBytes, websocketIdleMillis, DEFAULT_EVENT_QUEUE);
    }

    public Limits {
        positive("limits.max-body-bytes", maxBodyBytes);
        positive("limits.max-connections", maxConnections);
        positive("limits.max-connections-per-address", maxConnectionsPerAddress);
        positive("limits.header-timeout-ms", headerTimeoutMillis);
        positive("limits.body-timeout-ms", bodyTimeoutMillis);
        if (minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("'limits.min-body-bytes-per-second' must not be negative");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("'limits.max-header-bytes' must be at least 1024");
        }
        positive("limits.websocket-idle-timeout-ms", websocketIdleMillis);
        positive("limits.event-queue", eventQueue);
        positive("http.accept-queue-size", acceptQueueSize);
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("'" + key + "' must be positive, not " + value);
        }
    }
}
