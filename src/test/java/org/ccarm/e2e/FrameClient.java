package org.ccarm.e2e;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A test's websocket connection to the server: send frames, wait for answers or the close. Public for Jetty. */
public final class FrameClient implements Session.Listener.AutoDemanding, AutoCloseable {

    private static final long WAIT_SECONDS = 20;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Boolean> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private Session session;

    static FrameClient connect(WebSocketClient client, URI uri) throws Exception {
        FrameClient frames = new FrameClient();
        client.connect(frames, uri).get(WAIT_SECONDS, TimeUnit.SECONDS);
        return frames;
    }

    /** Connects with these headers on the upgrade request (a cookie, a bearer token, an Origin). */
    static FrameClient connect(WebSocketClient client, URI uri, Map<String, String> headers) throws Exception {
        FrameClient frames = new FrameClient();
        ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        headers.forEach(request::setHeader);
        client.connect(frames, request).get(WAIT_SECONDS, TimeUnit.SECONDS);
        return frames;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        received.add(message);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // expected in tests that refuse an upgrade or close a connection; they assert on the outcome instead
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed.complete(statusCode);
        callback.succeed();
    }

    void send(String frame) throws Exception {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendText(frame, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends a ping and waits for its pong. */
    void ping() throws Exception {
        pongs.clear();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendPing(ByteBuffer.wrap(new byte[] {1}), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (pongs.poll(WAIT_SECONDS, TimeUnit.SECONDS) == null) {
            throw new AssertionError("no pong within " + WAIT_SECONDS + " s");
        }
    }

    /** Sends {@code count} pings without waiting for their pongs. */
    void pings(int count) {
        for (int i = 0; i < count; i++) {
            session.sendPing(ByteBuffer.wrap(new byte[] {2}), Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        pongs.add(Boolean.TRUE);
    }

    void sendBinary(byte[] payload) throws Exception {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        session.sendBinary(ByteBuffer.wrap(payload), Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next answer frame; fails if none comes in time. */
    String receive() throws InterruptedException {
        String frame = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no answer frame within " + WAIT_SECONDS + " s");
        }
        return frame;
    }

    int awaitClose() throws Exception {
        return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            session.close();
        }
    }
}
