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
 * @param audit           the audit trail: its durability, file and rotation
 * @param store           where conversations live
 * @param ops             the operations listener (health, metrics)
 * @param auth            sessions and who may act
 * @param tls             the optional HTTPS listener
 * @param sip             the SIP listener and the calls it carries
 */
public record ServerConfig(String httpHost, int httpPort, Optional<String> adminToken, Limits limits,
                           AuditConfig audit, StoreConfig store, OpsConfig ops, List<DomainConfig> domains,
                           AuthConfig auth, TlsConfig tls, SipConfig sip) {

    /** Without SIP (tests and tools that carry no calls). */
    public ServerConfig(String httpHost, int httpPort, Optional<String> adminToken, Limits limits, AuditConfig audit,
                        StoreConfig store, OpsConfig ops, List<DomainConfig> domains, AuthConfig auth, TlsConfig tls) {
        this(httpHost, httpPort, adminToken, limits, audit, store, ops, domains, auth, tls, SipConfig.OFF);
    }

    /** {@code batched} or {@code synced}. */
    public String auditDurability() {
        return audit.durability();
    }

    /** A domain (tenant) this server serves, with the conversations and the operators to load at start. */
    public record DomainConfig(String name, Optional<URL> fixture, Optional<URL> operators) {
        public DomainConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(fixture, "fixture");
            Objects.requireNonNull(operators, "operators");
        }

        public DomainConfig(String name, Optional<URL> fixture) {
            this(name, fixture, Optional.empty());
        }
    }

    /** The shortest switch feed token accepted: a shorter one refuses the start. */
    public static final int MIN_ADMIN_TOKEN = 32;

    public ServerConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(sip, "sip");
        domains = List.copyOf(domains);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http port must be 0..65535, not " + httpPort);
        }
        Objects.requireNonNull(audit, "audit");
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
        if (adminToken.isPresent() && adminToken.get().length() < MIN_ADMIN_TOKEN) {
            throw new IllegalArgumentException("'admin.token' must have at least " + MIN_ADMIN_TOKEN + " characters (it "
                    + "has " + adminToken.get().length() + "): a short one is quickly guessed; e.g. openssl rand -hex 24");
        }
    }

    /** The same configuration with another store (tests and benchmarks run one server on several). */
    public ServerConfig withStore(StoreConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, audit, other, ops, domains, auth, tls, sip);
    }

    /** The same configuration with other limits. */
    public ServerConfig withLimits(Limits other) {
        return new ServerConfig(httpHost, httpPort, adminToken, other, audit, store, ops, domains, auth, tls, sip);
    }

    /** The same configuration with other rules of authentication. */
    public ServerConfig withAuth(AuthConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, audit, store, ops, domains, other, tls, sip);
    }

    /** The same configuration with another operations listener. */
    public ServerConfig withOps(OpsConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, audit, store, other, domains, auth, tls, sip);
    }

    /** The same configuration with an HTTPS listener. */
    public ServerConfig withTls(TlsConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, audit, store, ops, domains, auth, other, sip);
    }

    /** The same configuration with another SIP listener. */
    public ServerConfig withSip(SipConfig other) {
        return new ServerConfig(httpHost, httpPort, adminToken, limits, audit, store, ops, domains, auth, tls,
                other);
    }

    /** The largest request body (and websocket message) accepted. */
    public int maxBodyBytes() {
        return limits.maxBodyBytes();
    }
}
