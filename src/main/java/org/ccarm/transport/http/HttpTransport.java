package org.ccarm.transport.http;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.ccarm.config.Limits;
import org.ccarm.config.TlsConfig;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.ErrorReason;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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
    private final ServerConnector secureConnector; // null: no HTTPS listener

    private HttpTransport(Server server, ServerConnector connector, ConnectionGuard guard, ServerConnector secureConnector) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
        this.secureConnector = secureConnector;
    }

    /**
     * Starts the listener on {@code host:port} (and the HTTPS one when {@code tls} says);
     * {@code trustedProxies} are the addresses whose forwarded headers are believed.
     */
    public static HttpTransport start(String host, int port, TlsConfig tls, List<String> trustedProxies,
                                      HttpRoutes.Dependencies deps, RequestIds requestIds, Metrics metrics) throws Exception {
        Limits limits = deps.limits();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.addCustomizer(new TrustedProxies(trustedProxies));
        ConnectionGuard guard = new ConnectionGuard(limits.maxConnections(), limits.maxConnectionsPerAddress());
        ServerConnector connector = new GuardedConnector(server, guard, guardedHttp(http, guard, deps));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(limits.acceptQueueSize());
        // an idle connection (between requests, or before its first byte) is closed after about the header
        // timeout; a second more than either deadline, so that a slow head or body meets its own deadline (and
        // its 408) first, not a silent close
        connector.setIdleTimeout(Math.max(limits.headerTimeoutMillis(), limits.bodyTimeoutMillis()) + 1_000);
        server.addConnector(connector);
        ServerConnector secure = null;
        if (tls.enabled()) {
            secure = secureConnector(server, host, tls, http, guard, deps);
            server.addConnector(secure);
        }
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
        return new HttpTransport(server, connector, guard, secure);
    }

    /**
     * The HTTPS (and wss) listener: the same guards and routes behind TLS, with the key
     * and certificate of a PKCS#12 keystore. Requests on it are secure, so the session
     * cookie it sets is {@code Secure}.
     */
    private static ServerConnector secureConnector(Server server, String host, TlsConfig tls, HttpConfiguration plain,
                                                   ConnectionGuard guard, HttpRoutes.Dependencies deps) {
        Limits limits = deps.limits();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(tls.password());
        HttpConfiguration https = new HttpConfiguration(plain);
        https.addCustomizer(new SecureRequestCustomizer(false)); // no SNI host check: clients may use an IP address
        GuardedHttpConnectionFactory factory = guardedHttp(https, guard, deps);
        ServerConnector connector = new GuardedConnector(server, guard,
                new SslConnectionFactory(ssl, factory.getProtocol()), factory);
        connector.setHost(host);
        connector.setPort(tls.port().orElseThrow());
        connector.setAcceptQueueSize(limits.acceptQueueSize());
        connector.setIdleTimeout(Math.max(limits.headerTimeoutMillis(), limits.bodyTimeoutMillis()) + 1_000);
        return connector;
    }

    /** HTTP/1.1 behind the connection guards, answering their refusals as {@code out} documents. */
    private static GuardedHttpConnectionFactory guardedHttp(HttpConfiguration http, ConnectionGuard guard,
                                                            HttpRoutes.Dependencies deps) {
        long headerTimeout = deps.limits().headerTimeoutMillis();
        return new GuardedHttpConnectionFactory(http, guard, headerTimeout,
                new RawResponse(deps.encoder(), ErrorReason.TOO_MANY_CONNECTIONS,
                        "too many connections are open, from this address or in all; try again later"),
                new RawResponse(deps.encoder(), ErrorReason.REQUEST_TIMEOUT,
                        "the request's head did not arrive within " + headerTimeout + " ms"));
    }

    /** The HTTPS listener's base URI; empty without one. */
    public Optional<URI> secureUri() {
        if (secureConnector == null) {
            return Optional.empty();
        }
        String host = secureConnector.getHost() == null ? "127.0.0.1" : secureConnector.getHost();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return Optional.of(URI.create("https://" + shown + ":" + secureConnector.getLocalPort() + "/"));
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
