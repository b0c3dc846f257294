package org.ccarm.transport.ws;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.events.EventHub;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.transport.ClientAddresses;
import org.ccarm.transport.SessionCookie;
import org.ccarm.transport.WebOrigins;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/** Installs the framed websocket endpoint on a servlet context. */
public final class FrameTransport {

    /**
     * What the endpoint is built from. A message over {@code maxMessageBytes} closes the
     * connection with 1009 (message too big); a connection with no traffic at all for
     * {@code idleTimeout} is closed (clients keep a quiet one open with pings).
     */
    public record Dependencies(CommandDispatcher dispatcher, AnswerEncoder encoder, int maxMessageBytes,
                               Duration idleTimeout, Metrics metrics, Supplier<String> connectionIds,
                               WebSocketSessions sessions, WebOrigins origins, ClientAddresses clients,
                               EventHub events, EventEncoder eventEncoder) {}

    private FrameTransport() {}

    /**
     * Maps {@code template} (with a {@code {domain}} variable) to a websocket endpoint.
     * The upgrade is refused with 404 for an unknown domain, with 403 for a page of an
     * origin that is not the server's own or an allowed one (whatever credentials it
     * carries: a browser sends the cookie by itself), with 401 when it presents a session
     * that is not alive, and with 503 when the store cannot tell. Without credentials the
     * connection opens and may log in with a {@code login} frame.
     */
    public static void install(ServletContextHandler context, String template, Dependencies deps) {
        UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
        CommandDispatcher dispatcher = deps.dispatcher();
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setMaxTextMessageSize(deps.maxMessageBytes());
            container.setMaxBinaryMessageSize(deps.maxMessageBytes());
            container.setIdleTimeout(deps.idleTimeout());
            container.addMapping("uri-template|" + template, (request, response) -> {
                Map<String, String> params = spec.getPathParams(request.getRequestPath());
                String domain = params == null ? null : params.get("domain");
                if (domain == null || !dispatcher.servesDomain(domain)) {
                    response.sendError(404, "domain " + domain + " is not served here");
                    return null;
                }
                String origin = request.getHeader("Origin");
                if (!deps.origins().permits(origin, request.isSecure() ? "https" : "http", request.getHeader("Host"))) {
                    response.sendError(403, "forbidden_origin: a page of " + origin + " may not open this websocket");
                    return null;
                }
                List<String> cookies = request.getHeaders("Cookie");
                String token = token(request.getHeader("Authorization"), cookies == null ? List.of() : cookies);
                if (token != null) {
                    CommandDispatcher.SessionCheck check = dispatcher.sessionOf(domain, token);
                    if (check.storeUnavailable()) {
                        response.sendError(503, "store_unavailable: the session cannot be checked now");
                        return null;
                    }
                    if (check.session().isEmpty()) {
                        response.sendError(401, "not_authenticated: the session has ended or expired; log in again");
                        return null;
                    }
                }
                List<String> forwarded = request.getHeaders("X-Forwarded-For");
                String client = deps.clients().of(request.getRemoteSocketAddress() instanceof InetSocketAddress inet
                        ? inet.getAddress().getHostAddress() : "-", forwarded == null ? List.of() : forwarded);
                return new FrameEndpoint(domain, deps.connectionIds().get(), dispatcher, deps.encoder(), deps.metrics(),
                        deps.sessions(), token, client, deps.events(), deps.eventEncoder());
            });
        });
    }

    /** The bearer token, else the session cookie's; null when neither. */
    private static String token(String authorization, List<String> cookie) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return SessionCookie.tokenIn(cookie);
    }
}
