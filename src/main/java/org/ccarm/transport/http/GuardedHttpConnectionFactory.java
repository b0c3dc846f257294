package org.ccarm.transport.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ccarm.logging.RateLimitedLog;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections with two guards Jetty does not have:
 * <ul>
 *   <li>a connection over the limits ({@link ConnectionGuard}) is answered 503
 *       {@code too_many_connections} and closed, rather than not accepted;</li>
 *   <li>a request's head (request line and headers) must arrive within the header
 *       timeout from its first byte. Jetty's idle timeout restarts with every byte, so a
 *       client sending one byte every few seconds kept a connection forever; here each
 *       fill shortens the idle timeout to what is left of the head's deadline, and when
 *       it expires mid-head the client gets 408 {@code request_timeout} and the
 *       connection closes.</li>
 * </ul>
 * These refusals come before any command is known: answered with {@code cmd="unknown"},
 * logged at most once a minute with a count, not audited.
 */
final class GuardedHttpConnectionFactory extends HttpConnectionFactory {

    private static final RateLimitedLog REFUSALS =
            new RateLimitedLog(LoggerFactory.getLogger(GuardedHttpConnectionFactory.class), 1, TimeUnit.MINUTES);

    private final ConnectionGuard guard;
    private final long headerTimeoutMillis;
    private final RawResponse tooManyConnections;
    private final RawResponse headTooSlow;

    GuardedHttpConnectionFactory(HttpConfiguration config, ConnectionGuard guard, long headerTimeoutMillis,
                                 RawResponse tooManyConnections, RawResponse headTooSlow) {
        super(config);
        this.guard = guard;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.tooManyConnections = tooManyConnections;
        this.headTooSlow = headTooSlow;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (!guard.tryOpen(endPoint)) {
            REFUSALS.warn("too_many_connections", "refused connections over the limit (the last from "
                    + endPoint.getRemoteSocketAddress() + ")", null);
            return configure(new RefusingConnection(endPoint, connector.getExecutor(), tooManyConnections), connector, endPoint);
        }
        HeadDeadlineConnection connection = new HeadDeadlineConnection(getHttpConfiguration(), connector, endPoint);
        return configure(connection, connector, endPoint);
    }

    /** An HTTP connection whose request heads have a deadline. */
    private final class HeadDeadlineConnection extends HttpConnection {
        private long headStartNanos; // 0: not inside a request head; touched by the filling thread only
        private volatile boolean inHead;

        HeadDeadlineConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        public void onFillable() {
            super.onFillable();
            HttpParser parser = getParser();
            boolean midHead = parser.inHeaderState() && !parser.isStart();
            if (midHead) {
                long now = System.nanoTime();
                if (headStartNanos == 0) {
                    headStartNanos = now;
                }
                long left = headerTimeoutMillis - TimeUnit.NANOSECONDS.toMillis(now - headStartNanos);
                getEndPoint().setIdleTimeout(Math.max(1, left));
            } else if (headStartNanos != 0) {
                headStartNanos = 0;
                getEndPoint().setIdleTimeout(getConnector().getIdleTimeout());
            }
            inHead = midHead;
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            if (inHead && getHttpChannel().getRequest() == null) {
                REFUSALS.warn("request_timeout", "closed connections whose request head did not arrive within "
                        + headerTimeoutMillis + " ms (the last from " + getEndPoint().getRemoteSocketAddress() + ")", null);
                getEndPoint().write(Callback.from(() -> getEndPoint().close(), failure -> getEndPoint().close()),
                        headTooSlow.buffer());
                return false; // closed once the 408 is written
            }
            return super.onIdleExpired(timeout);
        }
    }
}
