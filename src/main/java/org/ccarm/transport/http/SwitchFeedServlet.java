package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.Limits;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.FeedUnavailableException;
import org.ccarm.feed.InvalidConversationException;
import org.ccarm.feed.SwitchFeed;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;

/**
 * {@code /admin/domains/{domain}/conversations/{id}}: the switch feed's JSON API over
 * the {@link SwitchFeed} service. PUT creates or replaces a conversation (201 or 200),
 * GET reads it, DELETE ends it (204). Requires {@code Authorization: Bearer <token>};
 * with no token configured the feed does not exist (404). Errors are JSON:
 * {@code {"error": ..., "detail": ...}}.
 */
final class SwitchFeedServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PathParams params;
    private final transient Optional<byte[]> tokenDigest;
    private final Set<String> domains;
    private final transient SwitchFeed feed;
    private final transient ConversationJson json;
    private final transient Limits limits;

    SwitchFeedServlet(String template, Optional<String> token, Set<String> domains, SwitchFeed feed, Limits limits) {
        this.params = new PathParams(template);
        this.tokenDigest = token.map(SwitchFeedServlet::sha256);
        this.domains = Set.copyOf(domains);
        this.feed = feed;
        this.json = feed.json();
        this.limits = limits;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (tokenDigest.isEmpty()) {
            error(response, 404, "not_found", "the switch feed is off: no admin token is configured");
            return;
        }
        if (!authorised(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"cc-arm-server switch feed\"");
            error(response, 401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required");
            return;
        }
        Map<String, String> path = params.of(request);
        String domain = path.get("domain");
        if (!domains.contains(domain)) {
            error(response, 404, "unknown_domain", "domain " + domain + " is not served here");
            return;
        }
        ConversationKey key = new ConversationKey(domain, path.get("id"));
        try {
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
                default -> {
                    response.setHeader("Allow", "GET, PUT, DELETE");
                    error(response, 405, "method_not_allowed", request.getMethod() + " is not allowed here");
                }
            }
        } catch (FeedUnavailableException e) {
            unavailable(response, e);
        }
    }

    /** 503 store_unavailable with Retry-After, as the command API answers it. */
    private void unavailable(HttpServletResponse response, FeedUnavailableException e) throws IOException {
        response.setHeader("Retry-After", HttpAnswers.RETRY_AFTER_SECONDS);
        error(response, 503, "store_unavailable", e.getMessage());
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
        String contentType = request.getHeader("Content-Type"); // getContentType() throws on unknown charsets
        MediaType type = MediaType.parse(contentType).orElse(null);
        if (Collections.list(request.getHeaders("Content-Type")).size() > 1) {
            error(response, 400, "bad_request", "the request has more than one Content-Type header; which one is meant?");
            return;
        }
        if (request.getHeader("Content-Encoding") != null || (contentType != null && (type == null || type.format() != WireFormat.JSON))) {
            error(response, 415, "unsupported_media_type", "send the conversation as application/json, as it is");
            return;
        }
        BodyReader.read(request, limits, new BodyReader.Receiver() {
            @Override
            public void body(byte[] body) {
                try {
                    SwitchFeed.Reported reported = feed.report(key, body, RequestIdHandler.of(request));
                    send(response, reported.created() ? 201 : 200, json.write(reported.conversation()));
                } catch (InvalidConversationException e) {
                    quietly(() -> error(response, 400, "invalid_conversation", e.getMessage()));
                } catch (FeedUnavailableException e) {
                    quietly(() -> unavailable(response, e));
                } catch (IOException e) {
                    // the client went away after the change was made and audited
                }
            }

            @Override
            public void refused(ErrorReason reason, String detail) {
                quietly(() -> error(response, reason.status(), reason.code(), detail));
            }
        });
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void quietly(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            // the client went away; nothing changed
        }
    }

    private void notFound(ConversationKey key, HttpServletResponse response) throws IOException {
        error(response, 404, "not_found", "conversation " + key.conversationId() + " does not exist in domain " + key.domain());
    }

    /** Compares digests with MessageDigest.isEqual, whose time does not depend on where they differ. */
    private boolean authorised(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(header.substring(7).trim()), tokenDigest.get());
    }

    private void error(HttpServletResponse response, int status, String error, String detail) throws IOException {
        send(response, status, json.error(error, detail));
    }

    private static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
