package org.ccarm.transport.http;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.ccarm.transport.SessionBound;

/** The event streams open now: pinged every 15 s, ended when the server stops. */
public final class EventStreams {

    private final Set<EventStream> open = ConcurrentHashMap.newKeySet();

    void opened(EventStream stream) {
        open.add(stream);
    }

    void closed(EventStream stream) {
        open.remove(stream);
    }

    /** A comment line on every stream: quiet ones stay open, and clients that left are noticed. */
    public void pingAll() {
        open.forEach(EventStream::ping);
    }

    /**
     * Counts each open stream as use of its session (as a websocket's pings are), at most
     * once per {@code everyNanos} per stream: a page that only watches is not logged out
     * at the idle limit. {@code use} takes the domain and the token hash.
     */
    public void countAsUse(BiConsumer<String, String> use, long everyNanos) {
        long now = System.nanoTime();
        open.forEach(stream -> {
            if (stream.dueForUse(now, everyNanos)) {
                use.accept(stream.domain(), stream.tokenHash());
            }
        });
    }

    /** Ends every stream (the server is stopping); clients resume elsewhere with Last-Event-ID. */
    public void closeAll() {
        open.forEach(EventStream::end);
    }

    /** Ends the streams opened in the session of this token hash (a logout, its operator deleted). */
    public void sessionEnded(String tokenHash) {
        open.stream().filter(stream -> tokenHash.equals(stream.tokenHash())).forEach(EventStream::sessionEnded);
    }

    /** Ends the streams whose session is no longer alive ({@code alive} takes the domain and the token hash). */
    public void closeExpired(BiFunction<String, String, CompletionStage<Boolean>> alive) {
        SessionBound.endExpired(open, alive);
    }

    public int count() {
        return open.size();
    }
}
