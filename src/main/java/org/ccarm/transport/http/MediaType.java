package org.ccarm.transport.http;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;
import org.ccarm.protocol.WireFormat;

/**
 * A request's Content-Type, read as the protocol needs it: which wire format, and the
 * charset parameter if any (it wins over an XML declaration, as RFC 7303 says). No
 * Content-Type at all means XML. The JSON form is UTF-8 (RFC 8259): any other charset
 * for it is not supported.
 *
 * <p>Parsed here to RFC 9110's grammar ({@code type "/" subtype *(OWS ";" OWS
 * [name "=" (token / quoted-string)])}) rather than with Jetty's
 * {@code HttpField.getValueParameters}, which is lenient where this must not be: it
 * takes {@code charset = UTF-16} (spaces around "=") as a parameter named
 * {@code "charset "}, so the charset would be silently ignored, and lets a second
 * {@code charset} override the first.
 */
record MediaType(WireFormat format, Charset charset) {

    /**
     * The format an answer defaults to, the request's own: JSON for a JSON content type
     * (even one refused for its charset), else XML.
     */
    static WireFormat answerFormat(String contentType) {
        if (contentType == null) {
            return WireFormat.XML;
        }
        int end = contentType.indexOf(';');
        String type = (end < 0 ? contentType : contentType.substring(0, end)).trim();
        return type.equalsIgnoreCase("application/json") ? WireFormat.JSON : WireFormat.XML;
    }

    /** Empty when the value is not a media type, or not one the API speaks (or its charset is not). */
    static Optional<MediaType> parse(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of(new MediaType(WireFormat.XML, null));
        }
        HeaderLexer in = new HeaderLexer(contentType);
        in.skipSpace();
        String type = in.token();
        if (type == null || !in.take('/')) {
            return Optional.empty();
        }
        String subtype = in.token();
        if (subtype == null) {
            return Optional.empty();
        }
        WireFormat format = switch ((type + "/" + subtype).toLowerCase(Locale.ROOT)) {
            case "application/xml", "text/xml" -> WireFormat.XML;
            case "application/json" -> WireFormat.JSON;
            default -> null;
        };
        if (format == null) {
            return Optional.empty();
        }
        String charsetName = null;
        while (true) {
            in.skipSpace();
            if (in.atEnd()) {
                break;
            }
            if (!in.take(';')) {
                return Optional.empty();
            }
            in.skipSpace();
            if (in.atEnd() || in.peek() == ';') {
                continue; // an empty parameter is allowed
            }
            String name = in.token();
            if (name == null || !in.take('=')) {
                return Optional.empty();
            }
            String value = in.peek() == '"' ? in.quoted() : in.token();
            if (value == null) {
                return Optional.empty();
            }
            if (name.equalsIgnoreCase("charset")) {
                if (charsetName != null) {
                    return Optional.empty(); // two charsets: which one would be meant?
                }
                charsetName = value;
            }
        }
        Charset charset = null;
        if (charsetName != null) {
            try {
                charset = Charset.forName(charsetName);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                return Optional.empty();
            }
        }
        if (format == WireFormat.JSON && charset != null && !charset.equals(StandardCharsets.UTF_8)) {
            return Optional.empty();
        }
        return Optional.of(new MediaType(format, charset));
    }
}
