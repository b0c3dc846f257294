package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.ccarm.config.Limits;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.AuditUnavailableException;
import org.ccarm.feed.FeedUnavailableException;
import org.ccarm.feed.OperatorDirectory;

/**
 * {@code /admin/domains/{domain}/operators/{id}}: the operator directory over the
 * {@link OperatorDirectory} service. PUT {@code {"password": "...", "supervisor": false}}
 * creates or replaces an operator (201 or 200; a new password ends its sessions), GET
 * shows it without its password, DELETE removes it and ends its sessions (204).
 */
final class OperatorServlet extends AdminServlet {

    private static final long serialVersionUID = 1L;

    private final transient OperatorDirectory directory;

    OperatorServlet(String template, AdminTokenGuard guard, Set<String> domains, OperatorDirectory directory,
                    ConversationJson json, Limits limits) {
        super(template, guard, domains, json, limits);
        this.directory = directory;
    }

    @Override
    void serve(String domain, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException, FeedUnavailableException {
        switch (request.getMethod()) {
            case "GET" -> {
                Optional<byte[]> shown = directory.find(domain, id);
                if (shown.isPresent()) {
                    send(response, 200, shown.get());
                } else {
                    notFound(domain, id, response);
                }
            }
            case "PUT" -> put(domain, id, request, response);
            case "DELETE" -> {
                try {
                    if (directory.delete(domain, id, RequestIdHandler.of(request))) {
                        response.setStatus(204);
                    } else {
                        notFound(domain, id, response);
                    }
                } catch (AuditUnavailableException e) {
                    error(response, e.status(), e.error(), e.getMessage());
                }
            }
            default -> methodNotAllowed(request, response);
        }
    }

    private void put(String domain, String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        readJsonBody(request, response, body -> {
            OperatorDirectory.Put put = directory.put(domain, id, body, RequestIdHandler.of(request));
            send(response, put.created() ? 201 : 200, put.shown());
        });
    }

    private void notFound(String domain, String id, HttpServletResponse response) throws IOException {
        error(response, 404, "not_found", "operator " + id + " does not exist in domain " + domain);
    }
}
