package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/** Reads a request body, never more than the configured limit. */
final class RequestBody {

    /** The body is larger than the limit; nothing past the limit was read. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private RequestBody() {}

    /**
     * A declared Content-Length over the limit is refused before the body is touched:
     * Jetty sends no {@code 100 Continue} until the input is read, so a client that
     * waits for one gets the 413 at once. A body without a length is read up to
     * limit + 1 bytes, enough to know it is too large.
     */
    static void checkDeclaredLength(HttpServletRequest request, int limit) throws TooLarge {
        if (request.getContentLengthLong() > limit) {
            throw new TooLarge();
        }
    }

    static byte[] read(HttpServletRequest request, int limit) throws IOException, TooLarge {
        checkDeclaredLength(request, limit);
        long declared = request.getContentLengthLong();
        byte[] body = request.getInputStream().readNBytes(declared >= 0 ? (int) declared : limit + 1);
        if (body.length > limit) {
            throw new TooLarge();
        }
        return body;
    }
}
