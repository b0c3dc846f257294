package org.ccarm.transport.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventSink;
import org.ccarm.events.Subscription;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.transport.SessionBound;

/**
 * One Server-Sent Events response, written without ever blocking a thread: events wait
 * in a queue until the connection can take them (servlet non-blocking output), and the
 * subscription counts what waits, so a client that does not read is ended rather than
 * let the queue grow. Each event is {@code event: conversation}, {@code data:} its JSON
 * form, and, for a change or a snapshot's end, {@code id: <epoch>-<seq>}.
 */
final class EventStream implements EventSink, WriteListener, SessionBound {

    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
    /** The last words of a stream whose session ended: a page goes back to its login form rather than reconnect. */
    private static final byte[] SESSION_ENDED = "event: session\ndata: ended\n\n".getBytes(StandardCharsets.UTF_8);

    private final EventEncoder encoder;
    private final EventStreams streams;
    private final String domain;
    private volatile String tokenHash; // of the session the stream was opened in; null without one
    // guarded by this, like every field below
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private AsyncContext async;
    private ServletOutputStream out;
    private Subscription subscription;
    private boolean flushNeeded = true; // the headers, at once
    private boolean closed;
    private boolean endWhenWritten; // the session ended: the response ends once the queue is out
    private long lastUse = System.nanoTime(); // when the stream last counted as use of its session

    private record Pending(byte[] bytes, Runnable written) {}

    EventStream(EventEncoder encoder, EventStreams streams, String domain) {
        this.encoder = encoder;
        this.streams = streams;
        this.domain = domain;
    }

    /** The stream was opened in the session of this token hash: it ends when that session ends. */
    void actsIn(String sessionTokenHash) {
        this.tokenHash = sessionTokenHash;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public String tokenHash() {
        return tokenHash;
    }

    /**
     * The stream's session ended (a logout, an expiry, its operator deleted): it says so
     * ({@code event: session}, {@code data: ended}) and ends once that is written. Its
     * subscription ends at once (no event of the session is delivered after its end); a
     * client that does not read is ended by the connection's idle timeout, as any other.
     */
    @Override
    public void sessionEnded() {
        List<Runnable> done;
        Subscription ending;
        synchronized (this) {
            if (closed || endWhenWritten) {
                return;
            }
            endWhenWritten = true;
            ending = subscription;
            queue.add(new Pending(SESSION_ENDED, () -> { }));
            done = drain();
        }
        if (ending != null) {
            ending.cancel(); // outside this stream's lock, as the writes' callbacks are
        }
        done.forEach(Runnable::run);
    }

    /**
     * Whether the stream should count as use of its session now (its idle time restarting):
     * true at most once per {@code everyNanos}, and only while it is open in a session.
     */
    synchronized boolean dueForUse(long now, long everyNanos) {
        if (closed || endWhenWritten || tokenHash == null || now - lastUse < everyNanos) {
            return false;
        }
        lastUse = now;
        return true;
    }

    /**
     * The headers are set: from now on the stream writes, as fast as the client reads.
     * False when the subscription ended before (the response is then completed here).
     */
    boolean open(AsyncContext context, Subscription opened) throws IOException {
        ServletOutputStream output = context.getResponse().getOutputStream();
        synchronized (this) {
            this.async = context;
            this.subscription = opened;
            this.out = output;
            if (closed) {
                context.complete();
                return false;
            }
        }
        streams.opened(this);
        output.setWriteListener(this); // calls onWritePossible at once
        return true;
    }

    @Override
    public void write(ConversationEvent event, Runnable written) {
        StringBuilder text = new StringBuilder(256);
        String id = EventEncoder.streamId(event);
        if (id != null) {
            text.append("id: ").append(id).append('\n');
        }
        text.append("event: conversation\ndata: ")
                .append(new String(encoder.json(event), StandardCharsets.UTF_8)).append("\n\n");
        enqueue(new Pending(text.toString().getBytes(StandardCharsets.UTF_8), written));
    }

    /** A comment line, so that a quiet stream stays open through proxies, and a client that left is noticed. */
    void ping() {
        enqueue(new Pending(PING, () -> { }));
    }

    private void enqueue(Pending pending) {
        List<Runnable> done;
        synchronized (this) {
            if (closed || endWhenWritten) {
                done = List.of(pending.written());
            } else {
                queue.add(pending);
                done = drain();
            }
        }
        done.forEach(Runnable::run);
    }

    @Override
    public void onWritePossible() {
        List<Runnable> done;
        synchronized (this) {
            done = drain();
        }
        done.forEach(Runnable::run);
    }

    /**
     * Writes what the connection takes now; returns the callbacks of what it took, to be
     * run once this stream's lock is released (a subscription may hold its own lock to write).
     */
    private List<Runnable> drain() {
        List<Runnable> done = new ArrayList<>();
        if (out == null || closed) {
            return done;
        }
        try {
            while (out.isReady()) {
                Pending next = queue.poll();
                if (next == null) {
                    if (flushNeeded) {
                        flushNeeded = false;
                        out.flush();
                        continue;
                    }
                    if (endWhenWritten) {
                        done.addAll(close()); // the session's end is out
                    }
                    break;
                }
                out.write(next.bytes());
                flushNeeded = true;
                done.add(next.written());
            }
        } catch (IOException | IllegalStateException e) {
            done.addAll(close());
        }
        return done;
    }

    /** The connection failed (the client went away): the subscription ends with it. */
    @Override
    public void onError(Throwable failure) {
        end();
    }

    /** The server ended the subscription (the client fell behind): the response ends; the client resumes with Last-Event-ID. */
    @Override
    public void ended(String detail) {
        end();
    }

    /** Ends the response (and the subscription), once. */
    void end() {
        List<Runnable> done;
        synchronized (this) {
            done = close();
        }
        done.forEach(Runnable::run);
    }

    /** Closes once: the subscription ends, the response completes; returns the callbacks of what never went out. */
    private List<Runnable> close() {
        if (closed) {
            return List.of();
        }
        closed = true;
        List<Runnable> done = new ArrayList<>();
        queue.forEach(pending -> done.add(pending.written()));
        queue.clear();
        Subscription ending = subscription;
        done.add(() -> {
            if (ending != null) {
                ending.cancel();
            }
            streams.closed(this);
        });
        if (async != null) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // completed already (the client went away first)
            }
        }
        return done;
    }
}
