package org.ccarm.transport.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ccarm.auth.Authentication;
import org.ccarm.command.EventChannel;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventHub;
import org.ccarm.events.EventSink;
import org.ccarm.events.Subscription;
import org.ccarm.events.SubscriptionRequest;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.SessionChange;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.protocol.frame.FrameException;
import org.ccarm.protocol.frame.Frames;
import org.ccarm.protocol.frame.RequestFrame;
import org.ccarm.transport.SessionBound;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One websocket connection of one domain. Every text message is one frame and gets
 * exactly one answer frame carrying its id; a client may send many without waiting.
 * A bad frame is answered with a 4xx frame and the connection stays open: only a
 * message over the size limit closes it (1009, by Jetty). Public because Jetty calls
 * its methods reflectively, and refuses a class that is not.
 */
public final class FrameEndpoint implements Session.Listener, SessionBound {

    private static final Logger LOG = LoggerFactory.getLogger(FrameEndpoint.class);
    /** After the server closes a connection, how long the client has to answer before the connection is dropped. */
    private static final long CLOSE_GRACE_SECONDS = 10;

    private final String domain;
    private final String connectionId;
    private final CommandDispatcher dispatcher;
    private final AnswerEncoder encoder;
    private final Metrics metrics;
    private final WebSocketSessions sessions;
    private final String clientAddress;
    private volatile Session session;
    // the session the connection acts in (from the upgrade, or a login frame); null: none
    private volatile String token;
    private volatile String tokenHash;
    // the session this connection is logging out of, while its logout frame runs: it stays open
    private volatile String leaving;
    private final EventHub events;
    private final EventEncoder eventEncoder;
    private final Channel channel = new Channel();

    public FrameEndpoint(String domain, String connectionId, CommandDispatcher dispatcher, AnswerEncoder encoder,
                         Metrics metrics, WebSocketSessions sessions, String token, String clientAddress,
                         EventHub events, EventEncoder eventEncoder) {
        this.events = events;
        this.eventEncoder = eventEncoder;
        this.domain = domain;
        this.connectionId = connectionId;
        this.dispatcher = dispatcher;
        this.encoder = encoder;
        this.metrics = metrics;
        this.sessions = sessions;
        this.clientAddress = clientAddress;
        actAs(token);
    }

    private void actAs(String newToken) {
        token = newToken;
        tokenHash = newToken == null ? null : Authentication.hashOf(newToken);
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String tokenHash() {
        return tokenHash;
    }

    void closeGoingAway() {
        closeByServer(StatusCode.SHUTDOWN, "the server is stopping");
    }

    /**
     * Closes the connection from the server's side, and drops it if the client has not
     * answered the close within the grace: a client that reads nothing never takes the close
     * frame queued behind what it left unread, and one that reads but never answers would
     * otherwise hold the connection until the idle timeout. (Jetty's isOpen() turns false, and
     * onWebSocketClose runs, as soon as the server's close is sent; the socket stays: so the
     * grace drops it whatever they say.)
     */
    private void closeByServer(int status, String reason) {
        Session open = session;
        if (open == null) {
            return;
        }
        // a close reason is at most 123 bytes: the reason is cut (what to do comes first in it)
        open.close(status, reason.length() > 120 ? reason.substring(0, 120) : reason, Callback.NOOP);
        CompletableFuture.delayedExecutor(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS).execute(() -> {
            open.disconnect(); // nothing left to do when the handshake was answered: the socket is closed already
        });
    }

    /**
     * The session of {@code hash} has ended: a connection acting in it closes with 1008, so
     * its client knows to log in again; unless this connection's own logout ended it, which
     * it answers, staying open without a session.
     */
    void sessionOfHashEnded(String hash) {
        if (hash.equals(tokenHash) && !hash.equals(leaving)) {
            sessionEnded();
        }
    }

    /** The session this connection acts in has ended (or expired): 1008. */
    @Override
    public void sessionEnded() {
        actAs(null);
        closeByServer(StatusCode.POLICY_VIOLATION, "the session has ended");
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        sessions.opened(this);
        metrics.websocketOpened();
        session.demand();
    }

    /** A ping, so that a quiet connection (a subscriber with nothing to hear) is kept open by every proxy between. */
    void ping() {
        Session open = session;
        if (open != null && open.isOpen()) {
            open.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        channel.unsubscribe();
        sessions.closed(this);
        metrics.websocketClosed();
        callback.succeed();
    }

    /** A frame's request id: the connection's id and the frame's own, e.g. {@code k3j9x2-1a/0019}. */
    private String requestId(String frameId) {
        return connectionId + "/" + frameId;
    }

    /**
     * One frame at a time per connection: the next is demanded once this one's answer is
     * sent, so answers keep the frames' order and a login frame's session serves the frames
     * after it. A command that waits (on a shared store) holds no thread meanwhile.
     */
    @Override
    public void onWebSocketText(String message) {
        long start = System.nanoTime();
        RequestFrame frame;
        try {
            frame = Frames.read(message);
        } catch (FrameException e) {
            answered(e.id(), dispatcher.refuseUnrouted(new Call("ws", domain, Answer.UNKNOWN_CMD, requestId(e.id()), start),
                    e.reason(), e.detail()));
            return;
        }
        String id = frame.id();
        Call call = new Call("ws", domain, frame.command(), requestId(id), start);
        leaving = "logout".equals(frame.command()) ? tokenHash : null;
        CompletableFuture<Answer> answer = dispatcher.admitLater(call, new ConnectionChecks(token, clientAddress, channel))
                .thenCompose(admission -> admission.orElseLater(admitted -> admitted.executeLater(WireFormat.JSON,
                        frame.body().getBytes(StandardCharsets.UTF_8), null))).toCompletableFuture();
        // a failure here is a bug (the dispatcher answers every failure): answered as one, and logged
        answer.whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("frame {} on {} failed unexpectedly", id, connectionId, failure);
            }
            answeredFrame(id, done != null ? done : Answer.error(frame.command(), true, ErrorReason.INTERNAL_ERROR,
                    "the server failed to carry out the command; it has been logged"));
        });
    }

    /** A command frame's answer: the session it changed (login, logout) first, then the answer, then the next frame. */
    private void answeredFrame(String id, Answer answer) {
        SessionChange change = answer.session();
        if (change != null) {
            actAs(change.token()); // login: the connection acts in the new session; logout: in none
            channel.unsubscribe(); // what it watched was the old session's right, not the new one's
        }
        leaving = null;
        answered(id, answer);
    }

    private void answered(String id, Answer answer) {
        try {
            send(id, answer);
            channel.startAfterAnswer();
        } catch (RuntimeException e) {
            LOG.warn("answering frame {} on {} failed; the connection reads on", id, connectionId, e);
        } finally {
            demandNext(); // whatever happened to this answer, the connection must not stop reading
        }
    }

    /** The next frame (or ping, or close) may come: Jetty reads nothing more from the connection until asked. */
    private void demandNext() {
        Session open = session;
        if (open != null) {
            open.demand();
        }
    }

    /**
     * A ping counts as use of the connection's session (its idle time restarts), so a
     * workstation that pings keeps its session. Listening for pings makes answering them
     * ours: Jetty sends no pong of its own then.
     */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        session.sendPong(payload, Callback.NOOP);
        String held = tokenHash;
        if (held != null) {
            // at most once a second per session; an ended or unreachable session is the housekeeping's to notice
            dispatcher.countAsUse(domain, held);
        }
        demandNext();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        demandNext(); // an answer to the server's keep-alive ping: nothing to do but read on
    }

    /** Frames are text messages; a binary one is answered, not read, and the connection stays open. */
    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        send(Frames.NO_ID, dispatcher.refuseUnrouted(new Call("ws", domain, Answer.UNKNOWN_CMD, requestId(Frames.NO_ID),
                        System.nanoTime()),
                ErrorReason.UNSUPPORTED_MEDIA_TYPE, "frames are websocket text messages; a binary message is not read"));
        demandNext();
    }

    private void send(String id, Answer answer) {
        String frame = Frames.write(id, answer.status(), encoder.encode(answer, WireFormat.JSON));
        session.sendText(frame, Callback.from(() -> { }, failure ->
                LOG.debug("answer frame {} to {} not delivered: {}", id, session.getRemoteSocketAddress(), failure.toString())));
    }

    /**
     * The connection's subscription: at most one, replaced by a second {@code subscribe}.
     * Frames are handled one at a time per connection, so the one that subscribes is also
     * the one that starts the catch-up, right after its answer.
     */
    private final class Channel implements EventChannel, EventSink {
        private volatile Subscription subscription;
        private volatile Subscription toStart; // set by a subscribe frame, started after its answer, on the frame's thread

        @Override
        public void subscribe(SubscriptionRequest request) {
            Subscription replacement = events.register(domain, request, this); // may fail: the old one then stays
            unsubscribe();
            subscription = replacement;
            toStart = replacement;
            Session open = session;
            if (open == null || !open.isOpen()) {
                unsubscribe(); // closed while this frame ran: nothing would end it later
            }
        }

        @Override
        public boolean unsubscribe() {
            Subscription current = subscription;
            subscription = null;
            toStart = null;
            return current != null && current.cancel();
        }

        void startAfterAnswer() {
            Subscription started = toStart;
            toStart = null;
            if (started != null) {
                events.start(started);
            }
        }

        @Override
        public void write(ConversationEvent event, Runnable written) {
            Session open = session;
            if (open == null) {
                written.run();
                return;
            }
            open.sendText(eventEncoder.frame(event), Callback.from(written, failure -> {
                written.run();
                unsubscribe(); // the connection is failing: its close ends the rest
            }));
        }

        @Override
        public void ended(String detail) {
            // the field is left alone (a subscribe frame may be replacing it right now): the close unsubscribes
            closeByServer(StatusCode.POLICY_VIOLATION, detail);
        }
    }

    /** A frame's checks: the session the connection holds (its origin was checked at the upgrade), and its channel for events. */
    private record ConnectionChecks(String token, String clientAddress, EventChannel channel) implements TransportChecks {
        @Override
        public Optional<Credentials> credentials() {
            return token == null ? Optional.empty() : Optional.of(Credentials.of(token, Credentials.Kind.CONNECTION));
        }

        @Override
        public Optional<EventChannel> eventChannel() {
            return Optional.of(channel);
        }

        @Override
        public String toString() {
            return "ConnectionChecks[" + clientAddress + "]"; // never the token in a log
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("websocket of domain {} failed: {}", domain, cause.toString());
    }
}
