package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;

/**
 * {@code /<DOMAIN>/service/cc/arm/ws} when the request is not a websocket upgrade the
 * server can accept (no {@code Upgrade}, or a {@code Sec-WebSocket-Version} other than
 * 13; valid upgrades never reach a servlet): 426 {@code upgrade_required} with the
 * headers that say how to upgrade. An unknown domain is 404 first, as for commands.
 * Not a command, so not audited.
 */
final class UpgradeRequiredServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PathParams params;
    private final Set<String> domains;
    private final transient HttpAnswers answers;

    UpgradeRequiredServlet(String template, Set<String> domains, HttpAnswers answers) {
        this.params = new PathParams(template);
        this.domains = Set.copyOf(domains);
        this.answers = answers;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String domain = params.of(request).get("domain");
        if (!domains.contains(domain)) {
            answers.write(response, Answer.error(Answer.UNKNOWN_CMD, false, ErrorReason.UNKNOWN_DOMAIN,
                    "domain " + domain + " is not served here"), WireFormat.XML);
            return;
        }
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Version", "13");
        answers.write(response, Answer.error(Answer.UNKNOWN_CMD, false, ErrorReason.UPGRADE_REQUIRED,
                "this path is the websocket: upgrade with 'Upgrade: websocket' and 'Sec-WebSocket-Version: 13'"),
                WireFormat.XML);
    }
}
