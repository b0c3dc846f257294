package org.ccarm.config;

import java.util.List;
import java.util.Objects;

/**
 * Who may use the server, and how hard a login is to guess (README, "Security").
 *
 * @param required              {@code auth.mode = required}: every command but login needs a session;
 *                              {@code off}: everyone is served as anyone (a warning at start)
 * @param idleMillis            a session unused this long ends ({@code auth.session-idle-ms})
 * @param lifetimeMillis        a session ends this long after login, used or not ({@code auth.session-lifetime-ms})
 * @param maxFailuresPerOperator failed logins for one operator from one address within the window
 * @param maxFailuresPerAddress  failed logins from one address within the window
 * @param failureWindowMillis   the window the failures are counted in; 429 for the rest of it
 * @param allowedOrigins        origins besides the server's own whose pages may send commands with the
 *                              cookie, and get CORS answers ({@code http.allowed-origins})
 * @param trustedProxies        addresses of proxies whose {@code X-Forwarded-For} names the client
 *                              ({@code http.trusted-proxies})
 */
public record AuthConfig(boolean required, long idleMillis, long lifetimeMillis, int maxFailuresPerOperator,
                         int maxFailuresPerAddress, long failureWindowMillis, List<String> allowedOrigins,
                         List<String> trustedProxies) {

    /** The protocol's defaults: 30 minutes idle, 12 hours at most, 5 and 20 failures in 60 seconds. */
    public static final AuthConfig REQUIRED = new AuthConfig(true, 30 * 60_000L, 12 * 3_600_000L, 5, 20, 60_000,
            List.of(), List.of());

    /** Everyone is served as anyone, as before sessions existed. */
    public static final AuthConfig OFF = REQUIRED.withRequired(false);

    public AuthConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        if (idleMillis <= 0 || lifetimeMillis <= 0 || failureWindowMillis <= 0) {
            throw new IllegalArgumentException("session times and the failure window must be positive");
        }
        if (maxFailuresPerOperator < 1 || maxFailuresPerAddress < 1) {
            throw new IllegalArgumentException("the failures allowed must be at least 1");
        }
        for (String origin : allowedOrigins) {
            if (!origin.matches("https?://[^/?#\\s]+")) {
                throw new IllegalArgumentException("'http.allowed-origins' takes origins such as https://desk.example.com, not '"
                        + origin + "'");
            }
        }
        Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    public AuthConfig withRequired(boolean required) {
        return new AuthConfig(required, idleMillis, lifetimeMillis, maxFailuresPerOperator, maxFailuresPerAddress,
                failureWindowMillis, allowedOrigins, trustedProxies);
    }
}
