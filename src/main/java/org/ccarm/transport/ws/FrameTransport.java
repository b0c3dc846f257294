package org.ccarm.transport.ws;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.Credentials;
import org.ccarm.dispatch.Rejection;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.events.EventHub;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.transport.SessionCredentials;
import org.ccarm.transport.WebOrigins;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter;
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
                               WebSocketSessions sessions, WebOrigins origins,
                               EventHub events, EventEncoder eventEncoder) {}

    private FrameTransport() {}

    /**
     * Maps {@code template} (with a {@code {domain}} variable) to a websocket endpoint. The
     * upgrade's checks are the dispatcher's, in the commands' order (an unknown domain 404,
     * a stopping server 503, credentials that open no session 401 and two live ones 400,
     * the store unable to tell 503, a page of a foreign origin 403, whatever credentials it
     * carries: a browser sends the cookie by itself). Without credentials the connection
     * opens and may log in with a {@code login} frame.
     */
    public static void install(ServletContextHandler context, String template, String servletName, Dependencies deps) {
        takeUpgradesBefore(context, servletName);
        UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
        CommandDispatcher dispatcher = deps.dispatcher();
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setMaxTextMessageSize(deps.maxMessageBytes());
            container.setMaxBinaryMessageSize(deps.maxMessageBytes());
            container.setIdleTimeout(deps.idleTimeout());
            container.addMapping("uri-template|" + template, (request, response) -> {
                Map<String, String> params = spec.getPathParams(request.getRequestPath());
                String domain = params == null ? "" : params.get("domain");
                HttpServletRequest http = request.getHttpServletRequest();
                CommandDispatcher.ConnectionAdmission admission = dispatcher.admitConnection(domain, new UpgradeChecks(http,
                        deps.origins()));
                if (!admission.admitted()) {
                    response.sendError(admission.refusal().status(), admission.refusal().code() + ": " + admission.detail());
                    return null;
                }
                return new FrameEndpoint(domain, deps.connectionIds().get(), dispatcher, deps.encoder(), deps.metrics(),
                        deps.sessions(), admission.token(), http.getRemoteAddr(), deps.events(), deps.eventEncoder());
            });
        });
    }

    /**
     * Jetty takes websocket upgrades in a filter it maps to every path ({@code /*}) unless
     * one is there already; for every request, upgrade or not, that filter wrapped the
     * request and copied its headers: 5% of the server's CPU in the XML row's profile. So
     * the filter is put in first, before only the servlet of the websocket's path: Jetty
     * finds it by its name and uses it, and no other request passes through it.
     */
    private static void takeUpgradesBefore(ServletContextHandler context, String servletName) {
        FilterHolder filter = new FilterHolder(new WebSocketUpgradeFilter());
        filter.setName(WebSocketUpgradeFilter.class.getName());
        filter.setAsyncSupported(true);
        FilterMapping mapping = new FilterMapping();
        mapping.setFilterName(filter.getName());
        mapping.setServletName(servletName);
        mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
        context.getServletHandler().addFilter(filter, mapping);
    }

    /** An upgrade's credentials, read as every HTTP request's are, and its origin. */
    private record UpgradeChecks(HttpServletRequest request, WebOrigins origins) implements TransportChecks {
        @Override
        public Optional<Credentials> credentials() {
            return SessionCredentials.of(Collections.list(request.getHeaders("Authorization")),
                    Collections.list(request.getHeaders("Cookie")));
        }

        @Override
        public Optional<Rejection> origin(Optional<Credentials> credentials) {
            String origin = request.getHeader("Origin");
            if (origins.permits(origin, request.getScheme(), WebOrigins.authority(request.getServerName(),
                    request.getServerPort()))) {
                return Optional.empty();
            }
            return Optional.of(new Rejection(ErrorReason.FORBIDDEN_ORIGIN, "a page of " + origin
                    + " may not open this websocket"));
        }
    }
}
