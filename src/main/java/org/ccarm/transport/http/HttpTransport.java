package org.ccarm.transport.http;

import java.net.URI;
import org.ccarm.config.Limits;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.ErrorReason;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embedded Jetty server: one HTTP connector on the configured host and port with
 * the connection guards ({@link GuardedHttpConnectionFactory}), the route table behind
 * a graceful handler (on stop, requests in flight finish while new ones are refused),
 * and Jetty's own errors answered as {@code out} documents.
 */
public final class HttpTransport implements AutoCloseable {

    /** How long a stop waits for requests in flight. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;

    private HttpTransport(Server server, ServerConnector connector, ConnectionGuard guard) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
    }

    public static HttpTransport start(String host, int port, HttpRoutes.Dependencies deps, RequestIds requestIds,
                                      Metrics metrics) throws Exception {
        Limits limits = deps.limits();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        ConnectionGuard guard = new ConnectionGuard(limits.maxConnections(), limits.maxConnectionsPerAddress());
        GuardedHttpConnectionFactory factory = new GuardedHttpConnectionFactory(http, guard, limits.headerTimeoutMillis(),
                new RawResponse(deps.encoder(), ErrorReason.TOO_MANY_CONNECTIONS,
                        "too many connections are open, from this address or in all; try again later"),
                new RawResponse(deps.encoder(), ErrorReason.REQUEST_TIMEOUT,
                        "the request's head did not arrive within " + limits.headerTimeoutMillis() + " ms"));
        ServerConnector connector = new GuardedConnector(server, guard, factory);
        connector.setHost(host);
        connector.setPort(port);
        // an idle connection (between requests, or before its first byte) is closed after about the header
        // timeout; a second more than either deadline, so that a slow head or body meets its own deadline (and
        // its 408) first, not a silent close
        connector.setIdleTimeout(Math.max(limits.headerTimeoutMillis(), limits.bodyTimeoutMillis()) + 1_000);
        server.addConnector(connector);
        server.setHandler(new RequestIdHandler(new GracefulHandler(HttpRoutes.build(deps)), requestIds));
        server.setErrorHandler(new OutDocumentErrorHandler(deps.encoder(), deps.domains()));
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.start();
        metrics.gauge("ccarm.http.threads", "the HTTP listener's threads, by state", "state", "busy", threads::getBusyThreads);
        metrics.gauge("ccarm.http.threads", "the HTTP listener's threads, by state", "state", "idle", threads::getIdleThreads);
        metrics.gauge("ccarm.http.threads.max", "the most threads the HTTP listener may use", threads,
                QueuedThreadPool::getMaxThreads);
        metrics.gauge("ccarm.http.queued.jobs", "work waiting for a thread of the HTTP listener", threads,
                QueuedThreadPool::getQueueSize);
        metrics.gauge("ccarm.http.connections", "connections open now, websockets included", guard, ConnectionGuard::open);
        return new HttpTransport(server, connector, guard);
    }

    /** The base URI the server actually listens on (the real port when 0 was asked for). */
    public URI uri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shown + ":" + connector.getLocalPort() + "/");
    }

    /** Connections open now (websockets included). */
    public int openConnections() {
        return guard.open();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server did not stop cleanly", e);
        }
    }
}
