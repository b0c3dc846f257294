package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.ccarm.command.EventChannel;
import org.ccarm.dispatch.Rejection;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.transport.WebOrigins;

/**
 * The checks of a request that carries no body and reads its arguments from the URL (the
 * event stream, the session query): GET only, the session it carries, and its origin.
 *
 * @param channel the event channel of an event stream; null for any other request
 */
record GetChecks(HttpServletRequest request, HttpServletResponse response, WebOrigins origins, String what,
                 EventChannel channel) implements RequestChecks {

    @Override
    public Optional<Rejection> method() {
        if ("GET".equals(request.getMethod())) {
            return Optional.empty();
        }
        response.setHeader("Allow", "GET");
        return Optional.of(new Rejection(ErrorReason.METHOD_NOT_ALLOWED,
                what + " takes GET, not " + request.getMethod()));
    }

    @Override
    public Optional<EventChannel> eventChannel() {
        return Optional.ofNullable(channel);
    }
}
