package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;

/**
 * {@code GET /<DOMAIN>/workstation/}: the operator's workstation, a page of static files
 * packed in the jar under {@code workstation/} and served from memory. Only the files
 * named in {@link #FILES} exist (nothing is looked up from a path, so no path can reach
 * anything else); every answer forbids loading anything from another origin, framing the
 * page, sniffing types and sending referrers. The page talks to the API of its own
 * domain, on this same origin, so its session cookie and the Origin rule work as they are.
 */
final class WorkstationServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Every file of the page, as {@code src/main/resources/workstation/} has it; {@code WorkstationPageTest} checks both agree. */
    static final List<String> FILES = List.of("index.html", "workstation.css", "favicon.svg", "app.js", "api.js",
            "stream.js", "view.js", "format.js");
    private static final Map<String, String> TYPES = Map.of("html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8", "js", "text/javascript;charset=utf-8", "svg", "image/svg+xml");
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private final transient PathParams params;
    private final Set<String> domains;
    private final transient HttpAnswers answers;
    private final transient Map<String, StaticFile> files;

    private record StaticFile(byte[] bytes, String type, String etag) {}

    WorkstationServlet(String template, Set<String> domains, HttpAnswers answers) {
        this.params = new PathParams(template);
        this.domains = Set.copyOf(domains);
        this.answers = answers;
        this.files = load();
    }

    /** The path of the page of a domain. */
    static String pageOf(String domain) {
        return "/" + domain + "/workstation/";
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        securityHeaders(response); // on every answer of the page's paths, refusals and redirects too
        Map<String, String> path = params.of(request);
        String domain = path.get("domain");
        if (!domains.contains(domain)) {
            notFound(response, "domain " + domain + " is not served here");
            return;
        }
        if (refusedMethod(request, response, answers, "the workstation page")) {
            return;
        }
        String method = request.getMethod();
        String name = path.getOrDefault("file", "");
        if (!request.getRequestURI().endsWith("/") && name.isEmpty()) {
            // /demo/workstation: the page's relative links need the slash
            response.setHeader("Location", pageOf(domain));
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            return;
        }
        StaticFile file = files.get(name.isEmpty() ? "index.html" : name);
        if (file == null) {
            notFound(response, "the workstation has no file " + name);
            return;
        }
        response.setHeader("Cache-Control", "no-cache"); // asked again each time: a new jar's page is seen at once
        response.setHeader("ETag", file.etag());
        if (matches(request.getHeader("If-None-Match"), file.etag())) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(file.type());
        response.setContentLength(file.bytes().length);
        if ("GET".equals(method)) {
            response.getOutputStream().write(file.bytes());
        }
    }

    /** Answers 405 to anything but GET and HEAD; true when it did. */
    private static boolean refusedMethod(HttpServletRequest request, HttpServletResponse response, HttpAnswers answers,
                                         String what) throws IOException {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return false;
        }
        response.setHeader("Allow", "GET, HEAD");
        answers.write(response, Answer.error(Answer.UNKNOWN_CMD, false, ErrorReason.METHOD_NOT_ALLOWED,
                what + " takes GET, not " + method), WireFormat.XML);
        return true;
    }

    /**
     * Whether {@code If-None-Match} names this ETag: {@code *}, or a list of tags, weak
     * ones ({@code W/"..."}, as a proxy that compressed the file sends back) included.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.strip();
            if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** What every answer of the page carries: nothing from elsewhere, no framing, no sniffing, no referrer. */
    static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
    }

    private void notFound(HttpServletResponse response, String detail) throws IOException {
        answers.write(response, Answer.error(Answer.UNKNOWN_CMD, false, ErrorReason.NOT_FOUND, detail), WireFormat.XML);
    }

    private static Map<String, StaticFile> load() {
        Map<String, StaticFile> loaded = new LinkedHashMap<>();
        for (String name : FILES) {
            try (InputStream in = WorkstationServlet.class.getResourceAsStream("/workstation/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks workstation/" + name);
                }
                byte[] bytes = in.readAllBytes();
                String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
                loaded.put(name, new StaticFile(bytes, type, etagOf(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read workstation/" + name, e);
            }
        }
        return Map.copyOf(loaded);
    }

    private static String etagOf(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code GET /}: to the first domain's workstation. */
    static final class Root extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String target;
        private final transient HttpAnswers answers;

        Root(String firstDomain, HttpAnswers answers) {
            this.target = pageOf(firstDomain);
            this.answers = answers;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (refusedMethod(request, response, answers, "/ (it leads to the workstation page)")) {
                return;
            }
            response.setHeader("Location", target);
            response.setStatus(HttpServletResponse.SC_FOUND);
        }
    }
}
