package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;

/** Every path no route claims: a 404 {@code out} document, so even a wrong URL gets the protocol's answer. */
final class NotFoundServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient HttpAnswers answers;

    NotFoundServlet(HttpAnswers answers) {
        this.answers = answers;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answers.write(response, Answer.error(Answer.UNKNOWN_CMD, false, ErrorReason.NOT_FOUND,
                "nothing is served at this path; commands are under /<DOMAIN>/service/cc/arm/<command>"),
                WireFormat.XML);
    }
}
