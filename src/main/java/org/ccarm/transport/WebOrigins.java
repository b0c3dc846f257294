package org.ccarm.transport;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cross-site rule: a browser sends the session cookie by itself, whatever page asks
 * it to, so a call it may have sent (anything but a bearer token) must come from the
 * server's own origin (the request's scheme and host, as its client addressed it: behind a
 * trusted proxy, the public ones it forwarded) or from one listed in
 * {@code http.allowed-origins}. A call with no {@code Origin} header passes: browsers
 * send one on every cross-site POST and websocket upgrade, and tools such as curl do not.
 * Only the listed origins get CORS answers.
 */
public final class WebOrigins {

    private final Set<String> allowed;

    public WebOrigins(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(WebOrigins::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a call with this {@code Origin} (null: none) to {@code scheme://host} may go on. */
    public boolean permits(String origin, String scheme, String host) {
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        return allowed.contains(normalized) || (host != null && normalized.equals(normalize(scheme + "://" + host)));
    }

    /** {@code host:port} as an origin writes it: an IPv6 address in brackets. */
    public static String authority(String serverName, int port) {
        boolean ipv6 = serverName.indexOf(':') >= 0 && !serverName.startsWith("[");
        return (ipv6 ? "[" + serverName + "]" : serverName) + ":" + port;
    }

    /** Whether this origin is one of the listed ones (which get CORS answers). */
    public boolean isListed(String origin) {
        return origin != null && allowed.contains(normalize(origin));
    }

    private static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") && lower.endsWith(":80")) {
            return lower.substring(0, lower.length() - 3);
        }
        if (lower.startsWith("https://") && lower.endsWith(":443")) {
            return lower.substring(0, lower.length() - 4);
        }
        return lower;
    }
}
