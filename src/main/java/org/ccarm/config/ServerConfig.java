package org.ccarm.config;

import java.net.URL;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server is built from.
 *
 * @param adminToken      the bearer token of the switch feed; empty turns the feed off
 * @param limits          what one client may take (connections, sizes, deadlines)
 * @param auditDurability {@code batched} or {@code synced} (README, "The audit trail")
 * @param store           where conversations live
 * @param ops             the operations listener (health, metrics)
 */
public record ServerConfig(String httpHost, int httpPort, Optional<String> adminToken, Limits limits,
                           String auditDurability, StoreConfig store, OpsConfig ops, List<DomainConfig> domains) {

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
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(ops, "ops");
        domains = List.copyOf(domains);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http port must be 0..65535, not " + httpPort);
        }
        if (!auditDurability.equals("batched") && !auditDurability.equals("synced")) {
            throw new IllegalArgumentException("'audit.durability' must be batched or synced, not '" + auditDurability + "'");
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

    /** The same configuration with another store (tests and benchmarks run one server on several). */
    public ServerConfig withStore(StoreConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, auditDurability, other, ops, domains);
    }

    /** The largest request body (and websocket message) accepted. */
    public int maxBodyBytes() {
        return limits.maxBodyBytes();
    }
}
