package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.AnswerEncoder;

/** Writes an answer as an HTTP response: its status, its media type, its document. */
final class HttpAnswers {

    /** When a client is told the store is unavailable, it may try again after this many seconds. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final AnswerEncoder encoder;

    HttpAnswers(AnswerEncoder encoder) {
        this.encoder = encoder;
    }

    void write(HttpServletResponse response, Answer answer, WireFormat format) throws IOException {
        byte[] body = encoder.encode(answer, format);
        response.setStatus(answer.status());
        if (answer.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(answer.retryAfterSeconds()));
        } else if (answer.reason() == ErrorReason.STORE_UNAVAILABLE || answer.reason() == ErrorReason.LOGINS_BUSY) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        if (answer.reason() == ErrorReason.NOT_AUTHENTICATED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"cc-arm-server\"");
        }
        response.setContentType(AnswerEncoder.contentType(format));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
