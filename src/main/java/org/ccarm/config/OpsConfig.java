package org.ccarm.config;

import java.util.Objects;

/**
 * The operations listener (health and metrics), on its own address so that metrics
 * never share the public listener.
 *
 * @param port           0 takes any free port (the log says which)
 * @param metricsEnabled whether {@code /metrics} counts anything (off: every meter is a no-op)
 * @param shutdownDrainMillis on a stop, how long readiness answers 503 and new commands are refused
 *                       (503 {@code shutting_down}) before the listener closes: the time a load balancer
 *                       needs to see the instance is going and send its traffic elsewhere
 * @param maxConnections connections the listener keeps open at once ({@code ops.max-connections}); one
 *                       more is answered 503 and closed. It may be exposed for Prometheus: a stranger
 *                       trickling request heads must not hold its sockets
 */
public record OpsConfig(String host, int port, boolean metricsEnabled, long shutdownDrainMillis, int maxConnections) {

    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final OpsConfig DEFAULTS = new OpsConfig("127.0.0.1", 9464, true, 3_000, DEFAULT_MAX_CONNECTIONS);

    public OpsConfig(String host, int port, boolean metricsEnabled, long shutdownDrainMillis) {
        this(host, port, metricsEnabled, shutdownDrainMillis, DEFAULT_MAX_CONNECTIONS);
    }

    public OpsConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'ops.port' must be 0..65535, not " + port);
        }
        if (shutdownDrainMillis < 0) {
            throw new IllegalArgumentException("'shutdown.drain-ms' must not be negative");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("'ops.max-connections' must be positive, not " + maxConnections);
        }
    }
}
