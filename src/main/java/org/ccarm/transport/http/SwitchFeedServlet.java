package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.Limits;
import org.ccarm.feed.FeedUnavailableException;
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
    void serve(String domain, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException, FeedUnavailableException {
        ConversationKey key = new ConversationKey(domain, id);
        switch (request.getMethod()) {
            case "GET" -> get(key, response);
            case "PUT" -> put(key, request, response);
            case "DELETE" -> {
                if (feed.end(key, RequestIdHandler.of(request))) {
                    response.setStatus(204);
                } else {
                    notFound(key, response);
                }
            }
            default -> methodNotAllowed(request, response);
        }
    }

    private void get(ConversationKey key, HttpServletResponse response) throws IOException, FeedUnavailableException {
        Optional<Conversation> conversation = feed.find(key);
        if (conversation.isEmpty()) {
            notFound(key, response);
        } else {
            send(response, 200, json.write(conversation.get()));
        }
    }

    private void put(ConversationKey key, HttpServletRequest request, HttpServletResponse response) throws IOException {
        readJsonBody(request, response, body -> {
            SwitchFeed.Reported reported = feed.report(key, body, RequestIdHandler.of(request));
            send(response, reported.created() ? 201 : 200, json.write(reported.conversation()));
        });
    }

    private void notFound(ConversationKey key, HttpServletResponse response) throws IOException {
        error(response, 404, "not_found", "conversation " + key.conversationId() + " does not exist in domain " + key.domain());
    }
}
