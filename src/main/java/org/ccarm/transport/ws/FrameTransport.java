package org.ccarm.transport.ws;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/** Installs the framed websocket endpoint on a servlet context. */
public final class FrameTransport {

    private FrameTransport() {}

    /**
     * Maps {@code template} (with a {@code {domain}} variable) to a websocket endpoint.
     * An unknown domain refuses the upgrade with 404. A message over
     * {@code maxMessageBytes} closes the connection with 1009 (message too big); a
     * connection with no traffic at all for {@code idleTimeout} is closed (clients keep
     * a quiet one open with pings).
     */
    public static void install(ServletContextHandler context, String template, CommandDispatcher dispatcher,
                               AnswerEncoder encoder, int maxMessageBytes, Duration idleTimeout, Metrics metrics,
                               Supplier<String> connectionIds, WebSocketSessions sessions) {
        UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setMaxTextMessageSize(maxMessageBytes);
            container.setMaxBinaryMessageSize(maxMessageBytes);
            container.setIdleTimeout(idleTimeout);
            container.addMapping("uri-template|" + template, (request, response) -> {
                Map<String, String> params = spec.getPathParams(request.getRequestPath());
                String domain = params == null ? null : params.get("domain");
                if (domain == null || !dispatcher.servesDomain(domain)) {
                    response.sendError(404, "domain " + domain + " is not served here");
                    return null;
                }
                return new FrameEndpoint(domain, connectionIds.get(), dispatcher, encoder, metrics, sessions);
            });
        });
    }
}
