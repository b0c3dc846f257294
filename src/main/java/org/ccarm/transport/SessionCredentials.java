package org.ccarm.transport;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.ccarm.dispatch.Credentials;

/**
 * The one reader of a request's session credentials, for commands, event streams and
 * websocket upgrades alike: {@code Authorization: Bearer} wins over the cookie (the
 * explicit header over the ambient one); two Authorization headers, or more session
 * cookies than a browser ever sends, are ambiguous (400); up to four cookies are handed
 * on, and the dispatcher uses the one that is a live session of the domain.
 */
public final class SessionCredentials {

    private SessionCredentials() {}

    /** {@code authorizations} and {@code cookieHeaders}: every line of each header, in order. */
    public static Optional<Credentials> of(List<String> authorizations, List<String> cookieHeaders) {
        if (authorizations.size() > 1) {
            return Optional.of(Credentials.ambiguous());
        }
        if (authorizations.size() == 1 && authorizations.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(Credentials.of(authorizations.get(0).substring(7).trim(), Credentials.Kind.BEARER));
        }
        List<String> cookies = List.copyOf(new LinkedHashSet<>(SessionCookie.tokensIn(cookieHeaders)));
        if (cookies.size() > Credentials.MAX_COOKIES) {
            return Optional.of(Credentials.ambiguous());
        }
        return cookies.isEmpty() ? Optional.empty() : Optional.of(new Credentials(cookies, Credentials.Kind.COOKIE));
    }
}
