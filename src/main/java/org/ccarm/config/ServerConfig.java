package org.ccarm.config;

import java.net.URL;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server is built from.
 *
 * @param adminToken the bearer token of the switch feed; empty turns the feed off
 * @param maxBodyBytes the largest request body (and websocket message) accepted
 */
public record ServerConfig(String httpHost, int httpPort, Optional<String> adminToken, int maxBodyBytes,
                           List<DomainConfig> domains) {

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /** A domain (tenant) this server serves, with the conversations to load at start. */
    public record DomainConfig(String name, Optional<URL> fixture) {
        public DomainConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(fixture, "fixture");
        }
    }

    public ServerConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(adminToken, "adminToken");
        domains = List.copyOf(domains);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http port must be 0..65535, not " + httpPort);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive, not " + maxBodyBytes);
        }
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("at least one domain must be configured");
        }
        for (DomainConfig domain : domains) {
            if (!domain.name().matches("[A-Za-z0-9._~-]+") || domain.name().matches("\\.+")) {
                throw new IllegalArgumentException("domain name '" + domain.name()
                        + "' must be one URL path segment of letters, digits and . _ ~ -");
            }
        }
        if (adminToken.isPresent() && adminToken.get().isBlank()) {
            adminToken = Optional.empty();
        }
    }
}
