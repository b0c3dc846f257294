package org.ccarm.transport;

import java.util.List;
import java.util.Set;

/**
 * Who the client is, for counting failed logins: the socket's address, unless it is a
 * proxy listed in {@code http.trusted-proxies}, whose {@code X-Forwarded-For} is then
 * believed (its last entry: the one that proxy added; entries before it are whatever the
 * client claimed).
 */
public final class ClientAddresses {

    private final Set<String> trustedProxies;

    public ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /** {@code forwardedFor}: every {@code X-Forwarded-For} line, in order (a proxy may add a line of its own). */
    public String of(String socketAddress, List<String> forwardedFor) {
        if (forwardedFor.isEmpty() || !trustedProxies.contains(socketAddress)) {
            return socketAddress;
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        String last = hops[hops.length - 1].trim();
        return last.isEmpty() || last.length() > 64 ? socketAddress : last;
    }
}
