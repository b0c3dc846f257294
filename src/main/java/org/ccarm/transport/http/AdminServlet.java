package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.ccarm.config.Limits;
import org.ccarm.feed.ConversationJson;
import org.ccarm.feed.FeedUnavailableException;
import org.ccarm.feed.InvalidInputException;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch feed's endpoints under {@code /admin/domains/{domain}/...}: the bearer token
 * check (with no token configured the feed does not exist: 404), the domain check, and
 * JSON errors {@code {"error": ..., "detail": ...}}. Each resource says what its methods do.
 */
abstract class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);

    private final transient PathParams params;
    private final transient AdminTokenGuard guard;
    private final Set<String> domains;
    final transient ConversationJson json;
    final transient Limits limits;

    AdminServlet(String template, AdminTokenGuard guard, Set<String> domains, ConversationJson json, Limits limits) {
        this.params = new PathParams(template);
        this.guard = guard;
        this.domains = Set.copyOf(domains);
        this.json = json;
        this.limits = limits;
    }

    /** Serves a request that passed the token and domain checks. */
    abstract void serve(String domain, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException, FeedUnavailableException;

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!guard.enabled()) {
            error(response, 404, "not_found", "the switch feed is off: no admin token is configured");
            return;
        }
        if (Collections.list(request.getHeaders("Authorization")).size() > 1) {
            error(response, 400, "bad_request", "the request has more than one Authorization header; which one is meant?");
            return;
        }
        AdminTokenGuard.Verdict verdict = guard.check(request.getHeader("Authorization"), request.getRemoteAddr());
        if (verdict instanceof AdminTokenGuard.Verdict.Throttled throttled) {
            response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
            error(response, 429, "too_many_attempts", "too many requests without the right token from this address "
                    + "lately; try again in " + throttled.retryAfterSeconds() + " s");
            return;
        }
        if (verdict instanceof AdminTokenGuard.Verdict.Unauthorized) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"cc-arm-server switch feed\"");
            error(response, 401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required");
            return;
        }
        if (request.getRequestURI().indexOf(';') >= 0) {
            // Jetty strips path parameters before routing: PUT .../operators/1001;x replaced operator 1001
            error(response, 400, "bad_request", "a path parameter (;...) is not part of an id: name the id alone");
            return;
        }
        Map<String, String> path = params.of(request);
        String domain = path.get("domain");
        if (!domains.contains(domain)) {
            error(response, 404, "unknown_domain", "domain " + domain + " is not served here");
            return;
        }
        try {
            serve(domain, path.get("id"), request, response);
        } catch (FeedUnavailableException e) {
            unavailable(response, e);
        }
    }

    /** 503 store_unavailable with Retry-After, as the command API answers it. */
    void unavailable(HttpServletResponse response, FeedUnavailableException e) throws IOException {
        response.setHeader("Retry-After", HttpAnswers.RETRY_AFTER_SECONDS);
        error(response, 503, "store_unavailable", e.getMessage());
    }

    void methodNotAllowed(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET, PUT, DELETE");
        error(response, 405, "method_not_allowed", request.getMethod() + " is not allowed here");
    }

    /** The media type check of a PUT: JSON as it is, or none; true when it passed (else answered). */
    boolean jsonBody(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getHeader("Content-Type"); // getContentType() throws on unknown charsets
        MediaType type = MediaType.parse(contentType).orElse(null);
        if (Collections.list(request.getHeaders("Content-Type")).size() > 1) {
            error(response, 400, "bad_request", "the request has more than one Content-Type header; which one is meant?");
            return false;
        }
        if (request.getHeader("Content-Encoding") != null || (contentType != null && (type == null || type.format() != WireFormat.JSON))) {
            error(response, 415, "unsupported_media_type", "send the body as application/json, as it is");
            return false;
        }
        return true;
    }

    /** What a resource answers: a status and its JSON body (null for none, as a 204 has). */
    record Reply(int status, byte[] body) {}

    /**
     * Writes the reply once the store has answered, with the request held open in its async
     * cycle meanwhile and no thread waiting: an unreachable store answers 503, an invalid
     * input 400, anything else (a bug) 500 and a log line.
     */
    void replyLater(HttpServletRequest request, HttpServletResponse response, CompletionStage<Reply> later) {
        CompletableFuture<Reply> pending = later.toCompletableFuture();
        if (!pending.isDone()) {
            AsyncCycles.hold(request);
        }
        pending.whenComplete((reply, failure) -> {
            try {
                Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure;
                if (cause == null) {
                    response.setStatus(reply.status());
                    if (reply.body() != null) {
                        send(response, reply.status(), reply.body());
                    }
                } else if (cause instanceof FeedUnavailableException unavailable) {
                    unavailable(response, unavailable);
                } else if (cause instanceof InvalidInputException invalid) {
                    if (invalid.status() == 503) { // the audit trail, or a call's owner: try again shortly
                        response.setHeader("Retry-After", HttpAnswers.RETRY_AFTER_SECONDS);
                    }
                    error(response, invalid.status(), invalid.error(), invalid.getMessage());
                } else {
                    LOG.warn("a switch feed request failed", cause);
                    error(response, 500, "internal_error", "the server failed to carry out the request; it has been logged");
                }
            } catch (IOException e) {
                // the client went away; what was done has been audited
            } finally {
                AsyncCycles.complete(request);
            }
        });
    }

    /** What a PUT does with its body, once read. */
    interface BodyHandler {
        void handle(byte[] body) throws IOException, InvalidInputException, FeedUnavailableException;
    }

    /**
     * Reads a PUT's JSON body (the media type checked, without holding a thread) and hands
     * it over; a body refused as invalid, or a store that did not answer, is answered here.
     */
    void readJsonBody(HttpServletRequest request, HttpServletResponse response, BodyHandler handler) throws IOException {
        if (!jsonBody(request, response)) {
            return;
        }
        readBody(request, response, body -> {
            try {
                handler.handle(body);
            } catch (InvalidInputException e) {
                quietly(() -> error(response, e.status(), e.error(), e.getMessage()));
            } catch (FeedUnavailableException e) {
                quietly(() -> unavailable(response, e));
            } catch (IOException e) {
                // the client went away after the change was made and audited
            } finally {
                AsyncCycles.complete(request);
            }
        });
    }

    /**
     * Reads a body without holding a thread and hands it to {@code then}, which answers
     * (and ends the async cycle, as {@link #replyLater} does); a body refused (too large,
     * too slow) is answered here.
     */
    void readBody(HttpServletRequest request, HttpServletResponse response, Consumer<byte[]> then) throws IOException {
        BodyReader.read(request, limits, new BodyReader.Receiver() {
            @Override
            public void body(byte[] body) {
                then.accept(body);
            }

            @Override
            public void refused(ErrorReason reason, String detail) {
                quietly(() -> error(response, reason.status(), reason.code(), detail));
                AsyncCycles.complete(request);
            }
        });
    }

    interface Write {
        void run() throws IOException;
    }

    static void quietly(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            // the client went away; what was done has been audited
        }
    }

    void error(HttpServletResponse response, int status, String error, String detail) throws IOException {
        send(response, status, json.error(error, detail));
    }

    static void send(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
