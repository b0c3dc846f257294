package org.ccarm.transport.http;

import java.net.URI;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The embedded Jetty server: one HTTP connector on the configured host and port,
 * the route table behind a graceful handler (on stop, requests in flight finish while
 * new ones are refused), and Jetty's own errors answered as {@code out} documents.
 */
public final class HttpTransport implements AutoCloseable {

    /** How long a stop waits for requests in flight. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final Server server;
    private final ServerConnector connector;

    private HttpTransport(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static HttpTransport start(String host, int port, HttpRoutes.Dependencies deps) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(HttpRoutes.build(deps)));
        server.setErrorHandler(new OutDocumentErrorHandler(deps.encoder()));
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        server.start();
        return new HttpTransport(server, connector);
    }

    /** The base URI the server actually listens on (the real port when 0 was asked for). */
    public URI uri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shown + ":" + connector.getLocalPort() + "/");
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
