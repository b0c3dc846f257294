package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.Limits;
import org.ccarm.feed.SwitchFeed;

/**
 * {@code /admin/domains/{domain}/conversations/{id}}: the switch feed's conversations
 * over the {@link SwitchFeed} service. PUT creates or replaces a conversation (201 or
 * 200), GET reads it, DELETE ends it (204).
 */
final class SwitchFeedServlet extends AdminServlet {

    private static final long serialVersionUID = 1L;

    private final transient SwitchFeed feed;

    SwitchFeedServlet(String template, AdminTokenGuard guard, Set<String> domains, SwitchFeed feed, Limits limits) {
        super(template, guard, domains, feed.json(), limits);
        this.feed = feed;
    }

    @Override
    void serve(String domain, String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConversationKey key = new ConversationKey(domain, id);
        switch (request.getMethod()) {
            case "GET" -> replyLater(request, response, feed.find(key).thenApply(found -> found
                    .map(conversation -> new Reply(200, json.write(conversation))).orElseGet(() -> notFound(key))));
            case "PUT" -> {
                if (jsonBody(request, response)) {
                    readBody(request, response, body -> replyLater(request, response,
                            feed.report(key, body, RequestIdHandler.of(request)).thenApply(reported ->
                                    new Reply(reported.created() ? 201 : 200, json.write(reported.conversation())))));
                }
            }
            case "DELETE" -> replyLater(request, response, feed.end(key, RequestIdHandler.of(request))
                    .thenApply(ended -> ended ? new Reply(204, null) : notFound(key)));
            default -> methodNotAllowed(request, response);
        }
    }

    private Reply notFound(ConversationKey key) {
        return new Reply(404, json.error("not_found", "conversation " + key.conversationId() + " does not exist in domain "
                + key.domain()));
    }
}
