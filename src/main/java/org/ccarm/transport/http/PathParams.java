package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/** The variables of a URI-template mapping, read from the request's decoded path. */
final class PathParams {

    private final UriTemplatePathSpec spec;

    PathParams(String template) {
        this.spec = new UriTemplatePathSpec(template);
    }

    Map<String, String> of(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Map<String, String> params = spec.getPathParams(path);
        return params == null ? Map.of() : params;
    }
}
