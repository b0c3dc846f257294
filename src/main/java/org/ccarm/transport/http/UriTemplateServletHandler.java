package org.ccarm.transport.http;

import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.http.pathmap.PathSpec;

/**
 * A servlet handler that also takes URI templates such as
 * {@code /{domain}/service/cc/arm/call_unhold} as mappings: the servlet spec's own
 * path specs cannot put a variable before a literal segment.
 */
final class UriTemplateServletHandler extends ServletHandler {

    @Override
    protected PathSpec asPathSpec(String pathSpec) {
        return pathSpec.contains("{") ? new SegmentTemplatePathSpec(pathSpec) : super.asPathSpec(pathSpec);
    }
}
