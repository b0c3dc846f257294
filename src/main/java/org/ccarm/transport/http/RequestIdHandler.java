package org.ccarm.transport.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Gives every HTTP request its id before anything else runs, and every answer the
 * {@code X-Request-Id} header: the client's when sane, else a new one. The servlets read
 * it from the request's attribute and write it into the audit line and any log line
 * about the request.
 */
final class RequestIdHandler extends Handler.Wrapper {

    static final String ATTRIBUTE = "ccarm.request-id";
    static final String HEADER = "X-Request-Id";

    private final RequestIds ids;

    RequestIdHandler(Handler handler, RequestIds ids) {
        super(handler);
        this.ids = ids;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = ids.forRequest(request.getHeaders().get(HEADER));
        request.setAttribute(ATTRIBUTE, id);
        response.getHeaders().put(HEADER, id);
        return super.handle(request, response, callback);
    }

    /** The id of a request this handler saw. */
    static String of(jakarta.servlet.ServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id == null ? "-" : id.toString();
    }
}
