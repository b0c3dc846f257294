package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import java.util.Optional;
import java.util.Set;
import org.ccarm.config.Limits;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.events.EventHub;
import org.ccarm.feed.OperatorDirectory;
import org.ccarm.feed.SwitchFeed;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.EventEncoder;
import org.ccarm.transport.WebOrigins;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The route table: every endpoint of the server, top to bottom. A more literal
 * template wins over one with a variable in the same place, so a known command's own
 * mapping takes precedence over the {@code {command}} catch-all.
 */
public final class HttpRoutes {

    public static final String API = "/{domain}/service/cc/arm/";
    public static final String WEBSOCKET = API + "ws";
    public static final String EVENTS = API + "events";
    public static final String FEED = "/admin/domains/{domain}/conversations/{id}";
    public static final String OPERATORS = "/admin/domains/{domain}/operators/{id}";
    public static final String SESSION = API + SessionServlet.COMMAND;
    public static final String WORKSTATION = "/{domain}/workstation";

    private HttpRoutes() {}

    /**
     * Installs a websocket endpoint at a URI template, whose requests go to the servlet named
     * {@code servletName} (the upgrades are to be taken before it); the websocket transport
     * provides it.
     */
    @FunctionalInterface
    public interface WebSocketInstaller {
        void install(ServletContextHandler context, String template, String servletName);
    }

    /** The name of the servlet of the websocket's path: what is not an upgrade is told to upgrade there. */
    static final String WEBSOCKET_SERVLET = "websocket";

    /** What the routes are built from; {@code domains} in the configuration's order. */
    public record Dependencies(CommandDispatcher dispatcher, Set<String> commands, SwitchFeed feed, Set<String> domains,
                               AnswerEncoder encoder, Optional<String> adminToken, Limits limits,
                               WebSocketInstaller webSocket, OperatorDirectory operators, WebOrigins origins,
                               EventHub events, EventEncoder eventEncoder,
                               EventStreams eventStreams, Metrics metrics) {}

    public static ServletContextHandler build(Dependencies deps) {
        ServletContextHandler context = new ServletContextHandler("/");
        context.setServletHandler(new UriTemplateServletHandler());
        HttpAnswers answers = new HttpAnswers(deps.encoder());

        // POST /{domain}/service/cc/arm/<command>: one mapping per command the server implements
        for (String command : deps.commands()) {
            if (command.equals(SessionServlet.COMMAND)) {
                continue; // read with GET: its own route below
            }
            route(context, API + command,
                    new CommandServlet(API + command, command, deps.dispatcher(), answers, deps.limits(),
                            deps.origins()));
        }
        // websocket /{domain}/service/cc/arm/ws: frames carrying the JSON form; the upgrades go to the
        // websocket transport, anything else on the path is told to upgrade (426)
        deps.webSocket().install(context, WEBSOCKET, WEBSOCKET_SERVLET);
        route(context, WEBSOCKET, new UpgradeRequiredServlet(WEBSOCKET, deps.domains(), answers), WEBSOCKET_SERVLET);
        // GET /{domain}/service/cc/arm/events: Server-Sent Events, a subscribe read from the query
        route(context, EVENTS, new EventStreamServlet(EVENTS, deps.dispatcher(), answers, deps.origins(),
                deps.events(), deps.eventEncoder(), deps.eventStreams()));
        // GET /{domain}/service/cc/arm/session: who the request's session is (a page cannot read its HttpOnly cookie)
        route(context, SESSION, new SessionServlet(SESSION, deps.dispatcher(), answers, deps.origins()));
        // any other name under the API: 404 unknown_command (after the domain check)
        route(context, API + "{command}",
                new CommandServlet(API + "{command}", null, deps.dispatcher(), answers, deps.limits(),
                        deps.origins()));
        // PUT, GET, DELETE /admin/domains/{domain}/conversations/{id}: the switch feed
        AdminTokenGuard admin = new AdminTokenGuard(deps.adminToken(), deps.metrics()::adminAuthFailed);
        route(context, FEED, new SwitchFeedServlet(FEED, admin, deps.domains(), deps.feed(), deps.limits()));
        // PUT, GET, DELETE /admin/domains/{domain}/operators/{id}: the operator directory, through the feed
        route(context, OPERATORS, new OperatorServlet(OPERATORS, admin, deps.domains(), deps.operators(),
                deps.feed().json(), deps.limits()));
        // GET /{domain}/workstation/ and its files: the operator's page; GET / leads to the first domain's
        WorkstationServlet workstation = new WorkstationServlet(WORKSTATION + "/{file}", deps.domains(), answers);
        route(context, WORKSTATION, workstation);
        route(context, WORKSTATION + "/", workstation);
        route(context, WORKSTATION + "/{file}", workstation);
        route(context, "", new WorkstationServlet.Root(deps.domains().iterator().next(), answers));
        // everything else: 404 not_found
        route(context, "/", new NotFoundServlet(answers));
        return context;
    }

    private static void route(ServletContextHandler context, String pathSpec, HttpServlet servlet) {
        route(context, pathSpec, servlet, null);
    }

    /** {@code name}: the servlet's, when something refers to it (null: Jetty's own). */
    private static void route(ServletContextHandler context, String pathSpec, HttpServlet servlet, String name) {
        ServletHolder holder = new ServletHolder(servlet);
        if (name != null) {
            holder.setName(name);
        }
        holder.setAsyncSupported(true); // bodies are read with async I/O (BodyReader)
        context.addServlet(holder, pathSpec);
    }
}
