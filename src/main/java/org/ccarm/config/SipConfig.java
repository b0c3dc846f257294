package org.ccarm.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SIP listener and its calls (README, "Real calls over SIP").
 *
 * @param enabled            whether the server listens for SIP at all
 * @param host               the address the UDP and TCP listeners bind (and write in Via and Contact)
 * @param port               0 takes a free port (the log says which)
 * @param trustedNetworks    CIDRs whose requests are taken; any other source is answered 403
 * @param defaultDomain      the domain of a request whose URI host names none; empty: the first configured
 * @param maxExpires         the longest registration granted, in seconds
 * @param holdDirection      what a hold offers on each stream: {@code inactive} or {@code sendonly}
 * @param reinviteTimeoutMillis how long a leg has to answer a re-INVITE before the change is refused
 * @param ringTimeoutMillis  how long an operator's phone may ring before the call is refused (480)
 * @param maxCalls           calls carried at once; past it new INVITEs are answered 503
 * @param instanceId         this instance's name as the owner of the calls it carries (a per-start
 *                           incarnation is added); empty: the host name and the SIP port
 * @param handoverTimeoutMillis how long a command handed to the instance that carries its call may
 *                           take before it is answered 503 {@code owner_unavailable}
 * @param ownerTtlMillis     how long an instance's liveness lasts unless refreshed (every third of it); past it
 *                           (and only while the store has answered for longer), another hangs its calls up
 * @param drainMillis        how long a graceful stop waits for the calls it carries to end
 */
public record SipConfig(boolean enabled, String host, int port, List<String> trustedNetworks,
                        Optional<String> defaultDomain, int maxExpires, String holdDirection,
                        long reinviteTimeoutMillis, long ringTimeoutMillis, int maxCalls,
                        Optional<String> instanceId, long handoverTimeoutMillis, long ownerTtlMillis, long drainMillis) {

    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    /** What the jar ships: on, loopback, port 5060. */
    public static final SipConfig DEFAULTS = new SipConfig(true, "127.0.0.1", 5060, LOOPBACK, Optional.empty(), 3600,
            "inactive", 4_000, 30_000, 10_000, Optional.empty(), 12_000, 10_000, 60_000);

    /** No SIP listener: the server carries no calls (tests and benchmarks that do not need it). */
    public static final SipConfig OFF = DEFAULTS.withEnabled(false);

    public SipConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultDomain, "defaultDomain");
        trustedNetworks = List.copyOf(trustedNetworks);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'sip.port' must be 0..65535, not " + port);
        }
        if (!holdDirection.equals("inactive") && !holdDirection.equals("sendonly")) {
            throw new IllegalArgumentException("'sip.hold-direction' must be inactive or sendonly, not '" + holdDirection + "'");
        }
        if (maxExpires < 60) {
            throw new IllegalArgumentException("'sip.max-expires' must be at least 60 seconds, not " + maxExpires);
        }
        if (reinviteTimeoutMillis < 1 || ringTimeoutMillis < 1) {
            throw new IllegalArgumentException("'sip.reinvite-timeout-ms' and 'sip.ring-timeout-ms' must be positive");
        }
        Objects.requireNonNull(instanceId, "instanceId");
        if (instanceId.isPresent() && !instanceId.get().matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new IllegalArgumentException("'sip.instance-id' takes letters, digits and . _ : - (at most 100), not '"
                    + instanceId.get() + "'");
        }
        if (ownerTtlMillis < 300) {
            throw new IllegalArgumentException("'sip.owner-ttl-ms' must be at least 300, not " + ownerTtlMillis);
        }
        if (drainMillis < 0) {
            throw new IllegalArgumentException("'sip.drain-ms' must not be negative, not " + drainMillis);
        }
        if (handoverTimeoutMillis < 1) {
            throw new IllegalArgumentException("'sip.handover-timeout-ms' must be positive, not " + handoverTimeoutMillis);
        }
        if (maxCalls < 1) {
            throw new IllegalArgumentException("'sip.max-calls' must be positive, not " + maxCalls);
        }
    }

    public SipConfig withEnabled(boolean on) {
        return new SipConfig(on, host, port, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, maxCalls, instanceId, handoverTimeoutMillis, ownerTtlMillis, drainMillis);
    }

    /**
     * On, on loopback, on a free port, and a stop hanging the calls up at once rather than
     * waiting for them: what tests and benchmarks that place calls use.
     */
    public SipConfig onFreePort() {
        return new SipConfig(true, host, 0, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, maxCalls, instanceId, handoverTimeoutMillis, ownerTtlMillis, 0);
    }

    public SipConfig withTimeouts(long reinviteMillis, long ringMillis) {
        return new SipConfig(enabled, host, port, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteMillis, ringMillis, maxCalls, instanceId, handoverTimeoutMillis, ownerTtlMillis, drainMillis);
    }

    public SipConfig withMaxCalls(int calls) {
        return new SipConfig(enabled, host, port, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, calls, instanceId, handoverTimeoutMillis, ownerTtlMillis, drainMillis);
    }

    /** Named {@code id} (tests run several instances in one process), handing over within {@code timeoutMillis}. */
    public SipConfig asInstance(String id, long timeoutMillis) {
        return new SipConfig(enabled, host, port, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, maxCalls, Optional.of(id), timeoutMillis, ownerTtlMillis, drainMillis);
    }

    /** Liveness lasting {@code ttlMillis}, a graceful stop waiting up to {@code drain} for the calls. */
    public SipConfig withOwnerTimes(long ttlMillis, long drain) {
        return new SipConfig(enabled, host, port, trustedNetworks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, maxCalls, instanceId, handoverTimeoutMillis, ttlMillis, drain);
    }

    public SipConfig withTrustedNetworks(List<String> networks) {
        return new SipConfig(enabled, host, port, networks, defaultDomain, maxExpires, holdDirection,
                reinviteTimeoutMillis, ringTimeoutMillis, maxCalls, instanceId, handoverTimeoutMillis, ownerTtlMillis, drainMillis);
    }
}
