package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables of a URI-template mapping, read from the request's decoded path by
 * position. Jetty has already matched the template; reading the segments again costs
 * less than matching its regular expression a second time on every request.
 */
final class PathParams {

    private final String[] names; // the variable at each segment, or null for a literal

    PathParams(String template) {
        String[] segments = template.substring(1).split("/", -1);
        names = new String[segments.length];
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            names[i] = segment.startsWith("{") && segment.endsWith("}") ? segment.substring(1, segment.length() - 1) : null;
        }
    }

    Map<String, String> of(HttpServletRequest request) {
        return of(request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo()));
    }

    /** The variables of a decoded path that matches the template. */
    Map<String, String> of(String path) {
        Map<String, String> params = new HashMap<>(4);
        int start = 1;
        for (int i = 0; i < names.length && start <= path.length(); i++) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            if (names[i] != null) {
                params.put(names[i], path.substring(start, end));
            }
            start = end + 1;
        }
        return params;
    }
}
