package org.ccarm.transport.http;

import java.util.Locale;
import org.ccarm.protocol.WireFormat;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.QuotedQualityCSV;

/**
 * Which wire format an answer takes: the one the request's {@code Accept} prefers
 * between XML and the JSON form, else the request's own (also on a tie). An
 * {@code Accept} that names neither (nor a wildcard), or that cannot be read, is not
 * refused with 406: the request's format is what a client of this API can always read.
 * Jetty's {@link QuotedQualityCSV} parses the header (ranges, quoting, q-values).
 */
final class AcceptHeader {

    private AcceptHeader() {}

    static WireFormat choose(String accept, WireFormat requestFormat) {
        if (accept == null || accept.isBlank()) {
            return requestFormat;
        }
        QuotedQualityCSV ranges = new QuotedQualityCSV();
        ranges.addValue(accept);
        double json = -1;
        double xml = -1;
        double any = -1;
        for (QuotedQualityCSV.QualityValue range : ranges.getQualityValues()) {
            double q = range.getWeight() <= 1 ? range.getWeight() : 0; // a q over 1 is not a quality
            switch (HttpField.stripParameters(range.getValue()).trim().toLowerCase(Locale.ROOT)) {
                case "application/json" -> json = Math.max(json, q);
                case "application/xml", "text/xml" -> xml = Math.max(xml, q);
                case "*/*", "application/*" -> any = Math.max(any, q);
                default -> { }
            }
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
}
