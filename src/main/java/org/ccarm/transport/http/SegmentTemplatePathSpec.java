package org.ccarm.transport.http;

import org.eclipse.jetty.http.pathmap.MatchedPath;
import org.eclipse.jetty.http.pathmap.PathSpecGroup;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/**
 * A URI template whose variables are whole segments ({@code /{domain}/service/cc/arm/call_unhold}),
 * matched by comparing segments before Jetty's regular expression is tried. Jetty tries the
 * templates one after another with their regular expressions; with eleven of them a request
 * spent a tenth of the server's CPU in {@code Matcher.reset} (profiled under the benchmark's
 * XML row). Here a path matches when it has the template's segments, the same literals where
 * it has them and a non-empty segment for each variable: what the expression says, without
 * it (SegmentTemplatePathSpecTest compares the two on every route).
 */
final class SegmentTemplatePathSpec extends UriTemplatePathSpec {

    private final String[] literals; // the literal at each segment, or null for a variable

    SegmentTemplatePathSpec(String template) {
        super(template);
        String[] segments = template.substring(1).split("/", -1);
        literals = new String[segments.length];
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            literals[i] = segment.startsWith("{") && segment.endsWith("}") ? null : segment;
        }
    }

    @Override
    public MatchedPath matched(String path) {
        if (!couldMatch(path)) {
            return null;
        }
        // as Jetty's own matched path: the whole path matched, no path info (a prefix glob has some)
        return getGroup() == PathSpecGroup.PREFIX_GLOB ? super.matched(path) : MatchedPath.from(path, null);
    }

    @Override
    public boolean matches(String path) {
        return couldMatch(path);
    }

    /** Whether the path has as many segments as the template, with the same literals where it has them. */
    boolean couldMatch(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        int start = 1;
        for (int i = 0; i < literals.length; i++) {
            int end = path.indexOf('/', start);
            boolean last = i == literals.length - 1;
            if (last != (end < 0)) {
                return false; // more segments, or fewer
            }
            if (end < 0) {
                end = path.length();
            }
            String literal = literals[i];
            if (literal != null ? !path.regionMatches(start, literal, 0, literal.length()) || end - start != literal.length()
                    : end == start) {
                return false; // another literal; or an empty variable, which the expression would not take either
            }
            start = end + 1;
        }
        return true;
    }
}
