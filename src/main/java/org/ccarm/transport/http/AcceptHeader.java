package org.ccarm.transport.http;

import java.util.Locale;
import org.ccarm.protocol.WireFormat;

/**
 * Which wire format an answer takes: the one the request's {@code Accept} prefers
 * between XML and the JSON form, else the request's own (also on a tie). An
 * {@code Accept} that names neither (nor a wildcard) is not refused with 406: the
 * request's format is what a client of this API can always read. A range that cannot
 * be read is skipped; the rest still count.
 *
 * <p>Parsed here rather than with Jetty's {@code QuotedQualityCSV}, which
 * {@code HeaderFuzzTest} found throwing on a stray quote and on some malformed
 * q-values: a header a client chose must never make a 500.
 */
final class AcceptHeader {

    private AcceptHeader() {}

    static WireFormat choose(String accept, WireFormat requestFormat) {
        if (accept == null || accept.isBlank()) {
            return requestFormat;
        }
        double json = -1;
        double xml = -1;
        double any = -1;
        HeaderLexer in = new HeaderLexer(accept);
        while (!in.atEnd()) {
            in.skipSpace();
            String type = range(in);
            double q = type == null ? -1 : quality(in);
            if (q >= 0) {
                switch (type) {
                    case "application/json" -> json = Math.max(json, q);
                    case "application/xml", "text/xml" -> xml = Math.max(xml, q);
                    case "*/*", "application/*" -> any = Math.max(any, q);
                    default -> { }
                }
            }
            in.skipPast(',');
        }
        json = json >= 0 ? json : any;
        xml = xml >= 0 ? xml : any;
        if (json > xml && json > 0) {
            return WireFormat.JSON;
        }
        if (xml > json && xml > 0) {
            return WireFormat.XML;
        }
        return requestFormat;
    }

    /** {@code type/subtype} in lower case; null when it is not one. */
    private static String range(HeaderLexer in) {
        String type = in.token();
        if (type == null || !in.take('/')) {
            return null;
        }
        String subtype = in.token();
        return subtype == null ? null : (type + "/" + subtype).toLowerCase(Locale.ROOT);
    }

    /** The range's q parameter (1 without one); -1 when its parameters cannot be read or q is not 0..1. */
    private static double quality(HeaderLexer in) {
        double q = 1;
        while (true) {
            in.skipSpace();
            if (in.atEnd() || in.peek() == ',') {
                return q;
            }
            if (!in.take(';')) {
                return -1;
            }
            in.skipSpace();
            String name = in.token();
            if (name == null || !in.take('=')) {
                return -1;
            }
            String value = in.peek() == '"' ? in.quoted() : in.token();
            if (value == null) {
                return -1;
            }
            if (name.equalsIgnoreCase("q")) {
                if (!value.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    return -1; // RFC 9110's qvalue
                }
                q = Double.parseDouble(value);
            }
        }
    }
}
