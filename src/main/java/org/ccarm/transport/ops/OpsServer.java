package org.ccarm.transport.ops;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.ccarm.config.OpsConfig;
import org.ccarm.transport.http.GuardedConnector;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code GET /health/live} (200 while the process serves), {@code GET /health/ready}
 * (200 when every readiness check passes, else 503; both with a JSON body naming each
 * check and its state) and {@code GET /metrics} (Prometheus text format).
 */
public final class OpsServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private OpsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Listens on {@code config}'s host and port, with the public listener's guards: a request
     * head must arrive within {@code headerTimeoutMillis}, and at most
     * {@code ops.max-connections} connections stay open at once.
     */
    public static OpsServer start(OpsConfig config, long headerTimeoutMillis, Supplier<Readiness> readiness,
                                  Supplier<String> metrics) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("ops");
        Server server = new Server(threads);
        ServerConnector connector = GuardedConnector.forOperations(server, config.host(), config.port(),
                config.maxConnections(), headerTimeoutMillis);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() { // blocking: readiness asks the store, within its timeout
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                    return answer(response, callback, 405, "application/json", "{\"error\":\"method_not_allowed\"}");
                }
                return switch (Request.getPathInContext(request)) {
                    case "/health/live" -> answer(response, callback, 200, "application/json", "{\"status\":\"up\"}");
                    case "/health/ready" -> ready(readiness.get(), response, callback);
                    case "/metrics" -> answer(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                    default -> answer(response, callback, 404, "application/json", "{\"error\":\"not_found\"}");
                };
            }
        });
        server.setStopTimeout(0); // nothing to finish gracefully: a scrape or a health check can simply be cut
        server.start();
        return new OpsServer(server, connector);
    }

    /** Connections open now on this listener (what {@code ops.max-connections} counts). */
    public int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    private static boolean ready(Readiness readiness, Response response, Callback callback) {
        StringBuilder json = new StringBuilder("{\"status\":\"").append(readiness.ready() ? "ready" : "not_ready")
                .append("\",\"checks\":{");
        boolean first = true;
        for (Map.Entry<String, Readiness.Check> check : readiness.checks().entrySet()) {
            json.append(first ? "" : ",").append('"').append(check.getKey()).append("\":{\"passing\":")
                    .append(check.getValue().passing()).append(",\"state\":\"").append(check.getValue().state()).append("\"}");
            first = false;
        }
        return answer(response, callback, readiness.ready() ? 200 : 503, "application/json", json.append("}}").toString());
    }

    private static boolean answer(Response response, Callback callback, int status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    public URI uri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort() + "/");
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the ops listener did not stop cleanly", e);
        }
    }
}
