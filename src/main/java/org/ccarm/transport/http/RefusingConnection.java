package org.ccarm.transport.http;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A connection accepted only to be refused: it writes its one response at once (a 503
 * {@code too_many_connections}), shuts its output, then reads and drops whatever the
 * client still sends until it closes or a short idle time passes. Reading on keeps the
 * client's request from turning into a reset that would destroy the response it has
 * not read yet.
 */
final class RefusingConnection extends AbstractConnection {

    private static final long LINGER_MILLIS = 2_000;

    private final RawResponse response;
    private final ByteBuffer sink = BufferUtil.allocate(4096);

    RefusingConnection(EndPoint endPoint, Executor executor, RawResponse response) {
        super(endPoint, executor);
        this.response = response;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(LINGER_MILLIS);
        getEndPoint().write(Callback.from(() -> {
            getEndPoint().shutdownOutput();
            fillInterested();
        }, failure -> getEndPoint().close()), response.buffer());
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                BufferUtil.clear(sink);
                int read = getEndPoint().fill(sink);
                if (read < 0) {
                    getEndPoint().close();
                    return;
                }
                if (read == 0) {
                    fillInterested();
                    return;
                }
            }
        } catch (Exception e) {
            getEndPoint().close();
        }
    }
}
