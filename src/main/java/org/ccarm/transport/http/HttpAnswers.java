package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.WireFormat;

/** Writes an answer as an HTTP response: its status, its media type, its document. */
final class HttpAnswers {

    private final AnswerEncoder encoder;

    HttpAnswers(AnswerEncoder encoder) {
        this.encoder = encoder;
    }

    void write(HttpServletResponse response, Answer answer, WireFormat format) throws IOException {
        byte[] body = encoder.encode(answer, format);
        response.setStatus(answer.status());
        response.setContentType(AnswerEncoder.contentType(format));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
