package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Optional;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.Rejection;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.transport.SessionCredentials;
import org.ccarm.transport.WebOrigins;

/** The session an HTTP request carries, and whether its origin may use it: the same for every endpoint. */
final class RequestCredentials {

    private RequestCredentials() {}

    /** What {@link SessionCredentials} reads from the request's Authorization and Cookie headers. */
    static Optional<Credentials> of(HttpServletRequest request) {
        if (request.getHeader("Authorization") == null && request.getHeader("Cookie") == null) {
            return Optional.empty(); // the common case of a call without a session, without listing headers
        }
        return SessionCredentials.of(Collections.list(request.getHeaders("Authorization")),
                Collections.list(request.getHeaders("Cookie")));
    }

    /**
     * 403 {@code forbidden_origin} for a request a browser may have sent by itself (anything
     * but a bearer token) from a page of another origin than the server's or an allowed one.
     * The server's origin is the request's as Jetty sees it: behind a trusted proxy, the
     * scheme and host it forwarded.
     */
    static Optional<Rejection> origin(HttpServletRequest request, Optional<Credentials> credentials, WebOrigins origins) {
        if (credentials.isPresent() && credentials.get().kind() == Credentials.Kind.BEARER) {
            return Optional.empty(); // no browser sends a bearer token by itself
        }
        String origin = request.getHeader("Origin");
        if (origins.permits(origin, request.getScheme(), WebOrigins.authority(request.getServerName(), request.getServerPort()))) {
            return Optional.empty();
        }
        return Optional.of(new Rejection(ErrorReason.FORBIDDEN_ORIGIN, "a page of " + origin + " may not send commands "
                + "here: it is neither this server's origin nor one listed in http.allowed-origins"));
    }
}
