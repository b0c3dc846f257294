package org.ccarm.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The floor of this stack: the same Jetty, connector settings and servlet layer as
 * the server, one servlet that reads the body and answers the same {@code ok}
 * document to every POST, doing no other work.
 *
 * <pre>java -cp ... org.ccarm.bench.BareJettyServer PORT</pre>
 */
public final class BareJettyServer {

    static final byte[] OK = ("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\" "
            + "xs:noNamespaceSchemaLocation=\"call_unhold.xsd\"><response><ok/></response></out>")
            .getBytes(StandardCharsets.UTF_8);

    private BareJettyServer() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new OkServlet()), "/*");
        server.setHandler(context);
        server.start();
        System.out.println("bare jetty listening on http://127.0.0.1:" + connector.getLocalPort() + "/");
        server.join();
    }

    static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            request.getInputStream().readAllBytes();
            response.setStatus(200);
            response.setContentType("application/xml;charset=utf-8");
            response.setContentLength(OK.length);
            response.getOutputStream().write(OK);
        }
    }
}
