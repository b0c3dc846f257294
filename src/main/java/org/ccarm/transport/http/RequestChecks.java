package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.Rejection;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.transport.WebOrigins;

/** The checks every HTTP request shares, whatever its method: the session it carries, its origin, its client. */
interface RequestChecks extends TransportChecks {

    HttpServletRequest request();

    WebOrigins origins();

    @Override
    default Optional<Credentials> credentials() {
        return RequestCredentials.of(request());
    }

    @Override
    default Optional<Rejection> origin(Optional<Credentials> credentials) {
        return RequestCredentials.origin(request(), credentials, origins());
    }

    @Override
    default String clientAddress() {
        return request().getRemoteAddr(); // behind a trusted proxy, the client it forwarded (TrustedProxies)
    }
}
