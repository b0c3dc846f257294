package org.ccarm.transport.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ccarm.command.EventChannel;
import org.ccarm.dispatch.Admission;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.events.EventHub;
import org.ccarm.events.Subscription;
import org.ccarm.events.SubscriptionRequest;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.transport.WebOrigins;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /<DOMAIN>/service/cc/arm/events}: Server-Sent Events for scripts and
 * browsers. The query is read as a {@code subscribe} ({@code operator_id}, {@code since},
 * {@code epoch}) and runs through the dispatcher like any command (its checks, the rights,
 * the audit line); {@code Last-Event-ID} ({@code <epoch>-<seq>}, as the events' ids)
 * resumes as {@code since} and {@code epoch} do. A refusal is the usual {@code out}
 * document and status; once subscribed, the response is {@code text/event-stream} for
 * as long as the client stays.
 */
final class EventStreamServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PathParams params;
    private final transient CommandDispatcher dispatcher;
    private final transient HttpAnswers answers;
    private final transient WebOrigins origins;
    private final transient EventHub events;
    private final transient EventEncoder encoder;
    private final transient EventStreams streams;

    EventStreamServlet(String template, CommandDispatcher dispatcher, HttpAnswers answers, WebOrigins origins,
                       EventHub events, EventEncoder encoder, EventStreams streams) {
        this.params = new PathParams(template);
        this.dispatcher = dispatcher;
        this.answers = answers;
        this.origins = origins;
        this.events = events;
        this.encoder = encoder;
        this.streams = streams;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Call call = Call.startingNow("sse", params.of(request).get("domain"), "subscribe", RequestIdHandler.of(request));
        EventStream stream = new EventStream(encoder, streams, call.domain());
        StreamChannel channel = new StreamChannel(call.domain(), stream);
        CompletableFuture<Admission> admission = dispatcher.admitLater(call,
                new GetChecks(request, response, origins, "the event stream", channel)).toCompletableFuture();
        if (admission.isDone()) {
            proceed(request, response, admission.join(), stream, channel);
        } else {
            // the session is being looked up in a store on the network: no thread waits for it
            AsyncCycles.hold(request);
            admission.whenComplete((admitted, failure) -> {
                Answer failed = Answer.error("subscribe", true, ErrorReason.INTERNAL_ERROR,
                        "the server failed to carry out the command; it has been logged");
                try {
                    proceed(request, response, admitted != null ? admitted : new Admission.Answered(failed), stream,
                            channel);
                } catch (RuntimeException e) {
                    // a bug: the stream is answered (and, if admitted, completed) rather than left open
                    LoggerFactory.getLogger(EventStreamServlet.class).warn("an event stream failed after its admission", e);
                    refuse(request, response, admitted instanceof CommandDispatcher.Admitted a
                            ? a.refuse(ErrorReason.INTERNAL_ERROR, "the server failed to carry out the command; it has "
                            + "been logged") : failed);
                }
            });
        }
    }

    /** After the checks before the body: the subscription, then the stream; or the refusal. */
    private void proceed(HttpServletRequest request, HttpServletResponse response, Admission admission,
                         EventStream stream, StreamChannel channel) {
        if (!(admission instanceof CommandDispatcher.Admitted admitted)) {
            refuse(request, response, ((Admission.Answered) admission).answer());
            return;
        }
        admitted.session().ifPresent(session -> stream.actsIn(session.tokenHash())); // it ends when that session does
        Optional<CommandInput> input;
        try {
            input = input(request);
        } catch (RuntimeException unreadable) {
            // a query Jetty cannot decode (%ZZ, an overlong UTF-8 form): answered and counted like any refusal, so the
            // admitted call completes (it once stayed in flight for good, unaudited)
            refuse(request, response, admitted.refuse(ErrorReason.BAD_REQUEST, "the query cannot be read: its "
                    + "percent-encoding or UTF-8 is broken"));
            return;
        }
        if (input.isEmpty()) {
            refuse(request, response, admitted.refuse(ErrorReason.INVALID_DOCUMENT, "Last-Event-ID must be an event's "
                    + "id, <epoch>-<seq>, as the stream wrote it"));
            return;
        }
        AsyncContext async = AsyncCycles.hold(request); // open for as long as the client stays; pings find the ones that left
        Answer answer = admitted.execute(input.get());
        if (!answer.isOk() || channel.subscription == null) {
            refuse(request, response, answer);
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no"); // a proxy that buffers would hold the events back
        try {
            if (stream.open(async, channel.subscription)) {
                events.start(channel.subscription);
            }
        } catch (IOException | RuntimeException e) {
            channel.subscription.cancel(); // the client is gone already
            stream.end();
        }
    }

    /** Answers the refusal (an {@code out} document, XML), and ends the request's async cycle if it had one. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, Answer answer) {
        try {
            answers.write(response, answer, WireFormat.XML);
        } catch (IOException e) {
            // the client went away; the call has been audited
        } finally {
            AsyncCycles.complete(request);
        }
    }

    /** The subscribe the query asks for; empty when Last-Event-ID cannot be read. */
    private static Optional<CommandInput> input(HttpServletRequest request) {
        Map<String, String> attributes = new LinkedHashMap<>();
        String[] operators = request.getParameterValues("operator_id");
        if (operators != null) {
            attributes.put("operator_id", String.join(" ", operators));
        }
        copy(request, "since", attributes);
        copy(request, "epoch", attributes);
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            int dash = lastEventId.lastIndexOf('-');
            if (dash < 1) {
                return Optional.empty();
            }
            attributes.put("epoch", lastEventId.substring(0, dash).strip());
            attributes.put("since", lastEventId.substring(dash + 1).strip());
        }
        return Optional.of(new CommandInput("subscribe", attributes));
    }

    private static void copy(HttpServletRequest request, String name, Map<String, String> attributes) {
        String value = request.getParameter(name);
        if (value != null) {
            attributes.put(name, value);
        }
    }

    /** The stream's one subscription: made by the subscribe the dispatcher runs, started once the headers are out. */
    private final class StreamChannel implements EventChannel {
        private final String domain;
        private final EventStream sink;
        private Subscription subscription;

        StreamChannel(String domain, EventStream sink) {
            this.domain = domain;
            this.sink = sink;
        }

        @Override
        public void subscribe(SubscriptionRequest request) {
            subscription = events.register(domain, request, sink);
        }

        @Override
        public boolean unsubscribe() {
            return subscription != null && subscription.cancel();
        }
    }
}
