package org.ccarm.transport.http;

import org.ccarm.protocol.ErrorReason;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A connector that tells the {@link ConnectionGuard} when a socket closes, whatever connection it carried last. */
public final class GuardedConnector extends ServerConnector {

    /**
     * The operations listener's connector: the public one's guards (a head must arrive
     * within {@code headerTimeoutMillis}; past {@code maxConnections} a connection is answered
     * 503 and closed), refusals answered as JSON. It may be exposed for Prometheus, so a
     * client trickling heads must not keep its few threads and sockets forever.
     */
    public static ServerConnector forOperations(Server server, String host, int port, int maxConnections,
                                                long headerTimeoutMillis) {
        ConnectionGuard guard = new ConnectionGuard(maxConnections, maxConnections);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        GuardedHttpConnectionFactory factory = new GuardedHttpConnectionFactory(http, guard, headerTimeoutMillis,
                RawResponse.json(ErrorReason.TOO_MANY_CONNECTIONS, "too many connections to the operations listener"),
                RawResponse.json(ErrorReason.REQUEST_TIMEOUT, "the request's head did not arrive within "
                        + headerTimeoutMillis + " ms"));
        GuardedConnector connector = new GuardedConnector(server, guard, factory);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(headerTimeoutMillis + 1_000);
        return connector;
    }

    private final ConnectionGuard guard;

    GuardedConnector(Server server, ConnectionGuard guard, ConnectionFactory... factories) {
        super(server, factories);
        this.guard = guard;
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        guard.closed(endPoint);
        super.onEndPointClosed(endPoint);
    }
}
