package org.ccarm.transport.http;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Believes {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code Forwarded} from
 * the proxies listed in {@code http.trusted-proxies} only, through Jetty's own
 * {@link ForwardedRequestCustomizer}: behind a TLS proxy the request is then secure (the
 * session cookie gets {@code Secure}), its scheme and host are the public ones (the origin
 * rule compares with those), and its remote address is the client's (failed logins are
 * counted by it). Jetty takes the leftmost address of {@code X-Forwarded-For}, which the
 * client wrote itself when the proxy appends; so the headers are cut to their last entry,
 * the one the trusted proxy added, before Jetty reads them.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {

    private final Set<String> trusted;
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    TrustedProxies(List<String> trustedProxies) {
        this.trusted = Set.copyOf(trustedProxies);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        if (trusted.isEmpty() || !(request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress peer)
                || !trusted.contains(peer.getAddress().getHostAddress())) {
            return request;
        }
        HttpFields.Mutable lastHops = HttpFields.build(request.getHeaders());
        lastHopOnly(lastHops, HttpHeader.X_FORWARDED_FOR);
        lastHopOnly(lastHops, HttpHeader.FORWARDED);
        HttpFields headers = lastHops.asImmutable();
        return forwarded.customize(new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        }, responseHeaders);
    }

    /** Every line of the header joined, and only its last comma-separated entry kept. */
    private static void lastHopOnly(HttpFields.Mutable headers, HttpHeader header) {
        List<String> lines = headers.getValuesList(header);
        if (lines.isEmpty()) {
            return;
        }
        String[] hops = String.join(",", lines).split(",");
        String last = hops[hops.length - 1].trim();
        headers.remove(header);
        if (!last.isEmpty()) {
            headers.add(new HttpField(header, last));
        }
    }
}
