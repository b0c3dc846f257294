package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.Rejection;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.transport.SessionCookie;
import org.ccarm.transport.WebOrigins;

/** The session an HTTP request carries, and whether its origin may use it: the same for every endpoint. */
final class RequestCredentials {

    private RequestCredentials() {}

    /** The bearer token, else the session cookie; ambiguous when either comes twice. */
    static Optional<Credentials> of(HttpServletRequest request) {
        if (request.getHeader("Authorization") == null && request.getHeader("Cookie") == null) {
            return Optional.empty(); // the common case of a call without a session, without listing headers
        }
        List<String> authorizations = Collections.list(request.getHeaders("Authorization"));
        List<String> cookies = SessionCookie.tokensIn(Collections.list(request.getHeaders("Cookie")));
        if (authorizations.size() > 1 || cookies.size() > 1) {
            return Optional.of(Credentials.ambiguous());
        }
        String authorization = authorizations.isEmpty() ? null : authorizations.get(0);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(new Credentials(authorization.substring(7).trim(), Credentials.Kind.BEARER));
        }
        return cookies.isEmpty() ? Optional.empty() : Optional.of(new Credentials(cookies.get(0), Credentials.Kind.COOKIE));
    }

    /**
     * 403 {@code forbidden_origin} for a request a browser may have sent by itself (anything
     * but a bearer token) from a page of another origin than the server's or an allowed one.
     */
    static Optional<Rejection> origin(HttpServletRequest request, Optional<Credentials> credentials, WebOrigins origins) {
        if (credentials.isPresent() && credentials.get().kind() == Credentials.Kind.BEARER) {
            return Optional.empty(); // no browser sends a bearer token by itself
        }
        String origin = request.getHeader("Origin");
        if (origins.permits(origin, request.getScheme(), request.getHeader("Host"))) {
            return Optional.empty();
        }
        return Optional.of(new Rejection(ErrorReason.FORBIDDEN_ORIGIN, "a page of " + origin + " may not send commands "
                + "here: it is neither this server's origin nor one listed in http.allowed-origins"));
    }
}
