package org.ccarm.transport.http;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;
import org.ccarm.protocol.WireFormat;

/**
 * A request's Content-Type, read as the protocol needs it: which wire format, and
 * the charset parameter if any (it wins over an XML declaration, as RFC 7303 says).
 * No Content-Type at all means XML. The JSON form is UTF-8 (RFC 8259): any other
 * charset for it is not supported.
 */
record MediaType(WireFormat format, Charset charset) {

    /**
     * The format an answer defaults to, the request's own: JSON for a JSON content type
     * (even one refused for its charset), else XML.
     */
    static WireFormat answerFormat(String contentType) {
        return contentType != null
                && contentType.split(";")[0].trim().equalsIgnoreCase("application/json") ? WireFormat.JSON : WireFormat.XML;
    }

    /** Empty when the type (or its charset) is not one the API speaks. */
    static Optional<MediaType> parse(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of(new MediaType(WireFormat.XML, null));
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        WireFormat format = switch (type) {
            case "application/xml", "text/xml" -> WireFormat.XML;
            case "application/json" -> WireFormat.JSON;
            default -> null;
        };
        if (format == null) {
            return Optional.empty();
        }
        Charset charset = null;
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
                String name = parameter[1].trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    charset = Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return Optional.empty();
                }
            }
        }
        if (format == WireFormat.JSON && charset != null && !charset.equals(StandardCharsets.UTF_8)) {
            return Optional.empty();
        }
        return Optional.of(new MediaType(format, charset));
    }
}
