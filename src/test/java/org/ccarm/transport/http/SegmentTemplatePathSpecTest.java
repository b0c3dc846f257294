package org.ccarm.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eclipse.jetty.http.pathmap.MatchedPath;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.junit.jupiter.api.Test;

/**
 * The segment pre-check never says no where Jetty's expression says yes, and says no
 * wherever the expression does: the same verdict as {@link UriTemplatePathSpec} on every path
 * tried, for every template the routes use.
 */
class SegmentTemplatePathSpecTest {

    private static final List<String> TEMPLATES = List.of(HttpRoutes.API + "call_unhold", HttpRoutes.API + "{command}",
            HttpRoutes.WEBSOCKET, HttpRoutes.EVENTS, HttpRoutes.FEED, HttpRoutes.OPERATORS);
    private static final List<String> PATHS = List.of("/demo/service/cc/arm/call_unhold", "/demo/service/cc/arm/call_hold",
            "/demo/service/cc/arm/ws", "/demo/service/cc/arm/events", "/demo/service/cc/arm/", "/demo/service/cc/arm",
            "//service/cc/arm/call_unhold", "/demo/service/cc/arm/call_unhold/", "/demo/service/cc/arm/call_unholdx",
            "/demo/service/cc/arm/call_unhol", "/a/b/service/cc/arm/call_unhold", "/demo/Service/cc/arm/call_unhold",
            "/admin/domains/demo/conversations/c-42", "/admin/domains/demo/operators/1001",
            "/admin/domains/demo/conversations/", "/admin/domains//conversations/c-42", "/", "", "/x",
            "/demo/service/cc/arm/call_unhold%2F", "/d\u00e9mo/service/cc/arm/call_unhold");

    @Test
    void everyTemplateAgreesWithJettysOwnExpressionOnEveryPath() {
        for (String template : TEMPLATES) {
            UriTemplatePathSpec jetty = new UriTemplatePathSpec(template);
            SegmentTemplatePathSpec ours = new SegmentTemplatePathSpec(template);
            for (String path : PATHS) {
                MatchedPath theirs = jetty.matched(path);
                MatchedPath mine = ours.matched(path);
                boolean expected = theirs != null;
                assertEquals(expected, mine != null, template + " on " + path);
                assertEquals(expected, ours.matches(path), template + " on " + path);
                if (expected) {
                    assertEquals(theirs.getPathMatch(), mine.getPathMatch(), template + " on " + path);
                    assertEquals(theirs.getPathInfo(), mine.getPathInfo(), template + " on " + path);
                    assertTrue(ours.couldMatch(path), "the pre-check lets through what matches: " + template + " " + path);
                }
            }
        }
    }

    @Test
    void theMatchedPathIsJettysWithItsVariables() {
        SegmentTemplatePathSpec spec = new SegmentTemplatePathSpec(HttpRoutes.FEED);
        assertNotNull(spec.matched("/admin/domains/demo/conversations/c-42"));
        assertEquals("c-42", spec.getPathParams("/admin/domains/demo/conversations/c-42").get("id"));
        assertNull(spec.matched("/admin/domains/demo/operators/1001"));
        assertFalse(spec.couldMatch("/admin/domains/demo/conversations"));
    }
}
