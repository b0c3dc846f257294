package org.ccarm.transport.http;

import java.util.Locale;
import org.ccarm.protocol.WireFormat;

/**
 * Which wire format an answer takes: the one the request's {@code Accept} prefers
 * between XML and the JSON form, else the request's own. An {@code Accept} that names
 * neither (nor a wildcard) is not refused with 406: the request's format is what a
 * client of this API can always read.
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
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            switch (type) {
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

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String[] parameter = parameters[i].split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("q")) {
                try {
                    double q = Double.parseDouble(parameter[1].trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
