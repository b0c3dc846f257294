package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ccarm.config.Limits;
import org.ccarm.dispatch.Admission;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.Rejection;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.SessionChange;
import org.ccarm.protocol.WireFormat;
import org.ccarm.transport.SessionCookie;
import org.ccarm.transport.WebOrigins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /<DOMAIN>/service/cc/arm/<command>}: hands the dispatcher the HTTP checks
 * (method, media type), which it asks in the protocol's order, then reads the body of
 * an admitted call without holding a thread ({@link BodyReader}) and answers when the
 * command has run. Mapped once per known command, and once with a {@code {command}}
 * variable to answer unknown commands.
 */
final class CommandServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CommandServlet.class);

    private final transient PathParams params;
    private final String command; // null: read from the path
    private final transient CommandDispatcher dispatcher;
    private final transient HttpAnswers answers;
    private final transient Limits limits;
    private final transient WebOrigins origins;

    CommandServlet(String template, String command, CommandDispatcher dispatcher, HttpAnswers answers, Limits limits,
                   WebOrigins origins) {
        this.params = new PathParams(template);
        this.command = command;
        this.dispatcher = dispatcher;
        this.answers = answers;
        this.limits = limits;
        this.origins = origins;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var path = params.of(request);
        String origin = request.getHeader("Origin");
        if (origins.isListed(origin)) {
            // CORS, for the listed origins only: a page there may call with the cookie and read the answer
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Allow-Credentials", "true");
            response.setHeader("Vary", "Origin");
            if ("OPTIONS".equals(request.getMethod()) && command != null && dispatcher.servesDomain(path.get("domain"))) {
                response.setHeader("Access-Control-Allow-Methods", "POST");
                response.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Request-Id");
                response.setHeader("Access-Control-Max-Age", "600");
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
        }
        Call call = Call.startingNow("http", path.get("domain"), command != null ? command : path.get("command"),
                RequestIdHandler.of(request));
        // the raw header: Jetty's getContentType() throws on a charset it does not know
        String contentType = request.getHeader("Content-Type");
        Optional<MediaType> mediaType = MediaType.parse(contentType);
        WireFormat reply = AcceptHeader.choose(request.getHeader("Accept"), MediaType.answerFormat(contentType));
        CompletableFuture<Admission> admission = dispatcher.admitLater(call,
                new HttpChecks(call.command(), request, response, mediaType, origins)).toCompletableFuture();
        if (admission.isDone()) {
            proceed(request, response, admission.join(), mediaType, reply);
        } else {
            // the session is being looked up in a store on the network: no thread waits for it
            AsyncCycles.hold(request);
            admission.whenComplete((admitted, failure) -> {
                try {
                    proceed(request, response, admitted != null ? admitted : new Admission.Answered(internalError()),
                            mediaType, reply);
                } catch (RuntimeException e) {
                    // a bug: the call is answered (and, if admitted, completed) rather than left open
                    LOG.warn("a {} call failed after its admission", call.command(), e);
                    answer(request, response, admitted instanceof CommandDispatcher.Admitted a
                            ? a.refuse(ErrorReason.INTERNAL_ERROR, "the server failed to carry out the command; it has "
                            + "been logged") : internalError(), reply);
                }
            });
        }
    }

    /** After the checks before the body: reads the body of an admitted call and runs it, or answers the refusal. */
    private void proceed(HttpServletRequest request, HttpServletResponse response, Admission admission,
                         Optional<MediaType> mediaType, WireFormat reply) {
        if (admission instanceof CommandDispatcher.Admitted admitted) {
            MediaType type = mediaType.orElseThrow(); // the media type check passed
            try {
                BodyReader.read(request, limits, new BodyReader.Receiver() {
                    @Override
                    public void body(byte[] body) {
                        answerLater(request, response, admitted.executeLater(type.format(), body, type.charset()), reply);
                    }

                    @Override
                    public void refused(ErrorReason reason, String detail) {
                        answer(request, response, admitted.refuse(reason, detail), reply);
                    }
                });
            } catch (IOException e) {
                answer(request, response, admitted.refuse(ErrorReason.BAD_REQUEST, "the request body could not be read"),
                        reply);
            }
        } else {
            answer(request, response, ((Admission.Answered) admission).answer(), reply);
        }
    }

    private Answer internalError() {
        return Answer.error(command != null ? command : Answer.UNKNOWN_CMD, true, ErrorReason.INTERNAL_ERROR,
                "the server failed to carry out the command; it has been logged");
    }

    /**
     * Writes the answer now when the command is done, else once it is, from the thread that
     * finishes it, with the request held open in its async cycle meanwhile and no thread
     * waiting.
     */
    private void answerLater(HttpServletRequest request, HttpServletResponse response, CompletionStage<Answer> answer,
                             WireFormat format) {
        CompletableFuture<Answer> pending = answer.toCompletableFuture();
        if (pending.isDone()) {
            answer(request, response, pending.join(), format);
            return;
        }
        AsyncCycles.hold(request).setTimeout(0); // the body is in; the command keeps its own deadline (store.timeout-ms)
        // the dispatcher turns every failure into an answer; a failure here is a bug, answered as one
        pending.whenComplete((done, failure) -> answer(request, response, done != null ? done : internalError(), format));
    }

    /** Writes the answer (and the session's cookie), then ends the request's async cycle if it had one. */
    private void answer(HttpServletRequest request, HttpServletResponse response, Answer answer, WireFormat format) {
        SessionChange change = answer.session();
        if (change != null) {
            response.addHeader("Set-Cookie", change.isStarted()
                    ? SessionCookie.set(change.domain(), change.token(), request.isSecure())
                    : SessionCookie.clear(change.domain(), request.isSecure()));
            response.setHeader("Cache-Control", "no-store"); // an answer carrying a token is never cached
        }
        try {
            answers.write(response, answer, format);
        } catch (IOException e) {
            // the client went away; the call has been audited and there is no one left to answer
        } finally {
            AsyncCycles.complete(request);
        }
    }

    /** The checks of an HTTP request, as the dispatcher asks them. */
    private record HttpChecks(String command, HttpServletRequest request, HttpServletResponse response,
                              Optional<MediaType> parsedType, WebOrigins origins)
            implements RequestChecks {
        @Override
        public Optional<Rejection> method() {
            if ("POST".equals(request.getMethod())) {
                return Optional.empty();
            }
            response.setHeader("Allow", "POST");
            return Optional.of(new Rejection(ErrorReason.METHOD_NOT_ALLOWED,
                    command + " takes POST, not " + request.getMethod()));
        }

        @Override
        public Optional<Rejection> mediaType(Optional<Credentials> credentials) {
            String type = request.getHeader("Content-Type");
            if (credentials.isPresent() && credentials.get().kind() == Credentials.Kind.COOKIE
                    && (type == null || type.isBlank())) {
                return Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE, "a command sent with the session "
                        + "cookie must name its media type (application/xml or application/json): a browser sends the "
                        + "cookie with any site's form, and a form cannot name these"));
            }
            if (Collections.list(request.getHeaders("Content-Type")).size() > 1) {
                return Optional.of(new Rejection(ErrorReason.BAD_REQUEST,
                        "the request has more than one Content-Type header; which one is meant?"));
            }
            String encoding = request.getHeader("Content-Encoding");
            if (encoding != null) {
                return Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Encoding " + encoding + " is not supported: send the document as it is"));
            }
            return parsedType.isPresent() ? Optional.empty() : Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + request.getHeader("Content-Type") + " is not supported: send application/xml or "
                            + "text/xml (or none) for XML, application/json for the JSON form (UTF-8)"));
        }
    }
}
