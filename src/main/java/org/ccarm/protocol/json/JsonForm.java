package org.ccarm.protocol.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.tree.Node;
import org.ccarm.protocol.tree.Text;
import org.ccarm.protocol.tree.XmlNames;

/**
 * Converts between an element tree and its JSON form. Writing is compact and keeps
 * attribute order, so the answers are byte for byte the vendor's. Reading is strict:
 * anything that would not come back out as the same XML document (unknown keys,
 * duplicate keys, wrong types, names XML does not allow, characters XML cannot carry)
 * is refused with {@code malformed_json} and a detail saying where.
 */
public final class JsonForm {

    /** Deeper documents than this are refused rather than walked (the protocol's are 3 deep). */
    static final int MAX_DEPTH = 64;

    private static final String NAME = "_name";
    private static final String ATTRIBUTES = "_attributes";
    private static final String CONTENT = "_content";

    private final JsonFactory factory = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The compact JSON form of the document whose root is {@code root}, in UTF-8. */
    public byte[] write(Element root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            writeElement(root, json);
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void writeElement(Element element, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField(NAME, element.name());
        if (!element.attributes().isEmpty()) {
            json.writeObjectFieldStart(ATTRIBUTES);
            for (Map.Entry<String, String> attribute : element.attributes().entrySet()) {
                json.writeStringField(attribute.getKey(), attribute.getValue());
            }
            json.writeEndObject();
        }
        if (!element.content().isEmpty()) {
            json.writeArrayFieldStart(CONTENT);
            for (Node child : element.content()) {
                if (child instanceof Element e) {
                    writeElement(e, json);
                } else {
                    json.writeString(((Text) child).value());
                }
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /** Reads a JSON-form document (UTF-8, as JSON is) and returns its root element. */
    public Element read(byte[] json) throws ProtocolException {
        if (json.length == 0) {
            throw new ProtocolException(ErrorReason.EMPTY_BODY, "the body is empty: expected a JSON-form document");
        }
        if (!looksLikeUtf8(json)) {
            throw new ProtocolException(ErrorReason.MALFORMED_JSON, "the JSON form is UTF-8; this body is UTF-16 or UTF-32");
        }
        try (JsonParser parser = factory.createParser(json)) {
            expect(parser.nextToken() == JsonToken.START_ARRAY, parser, "a document must be a JSON array holding its root element");
            expect(parser.nextToken() == JsonToken.START_OBJECT, parser, "the array must hold the root element, an object");
            Element root = readElement(parser, 1);
            expect(parser.nextToken() == JsonToken.END_ARRAY, parser, "the array must hold exactly one root element");
            expect(parser.nextToken() == null, parser, "nothing may follow the document's array");
            return root;
        } catch (StreamReadException e) {
            throw malformed("the body is not valid JSON: " + e.getOriginalMessage(), e.getLocation() == null
                    ? -1 : e.getLocation().getLineNr(), e.getLocation() == null ? -1 : e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new ProtocolException(ErrorReason.MALFORMED_JSON, "the body cannot be read as JSON");
        }
    }

    /**
     * Jackson detects UTF-16 and UTF-32 by themselves (a byte order mark, or zero bytes
     * among the first four); the protocol's JSON is UTF-8 only, so such a body is refused
     * before Jackson sees it. A UTF-8 byte order mark is allowed, as RFC 8259 lets a
     * reader ignore it; invalid UTF-8 is Jackson's to refuse.
     */
    public static boolean looksLikeUtf8(byte[] json) {
        if (json.length == 0) {
            return true;
        }
        int b0 = json[0] & 0xFF;
        if (b0 == 0xFE || b0 == 0xFF) {
            return false; // a UTF-16 or UTF-32 (little-endian) byte order mark
        }
        for (int i = 0; i < Math.min(4, json.length); i++) {
            if (json[i] == 0) {
                return false; // no UTF-8 JSON text has a NUL among its first bytes
            }
        }
        return true;
    }

    /** Reads one element; the parser is on its START_OBJECT. */
    private Element readElement(JsonParser parser, int depth) throws IOException, ProtocolException {
        expect(depth <= MAX_DEPTH, parser, "elements are nested deeper than " + MAX_DEPTH);
        String name = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        List<Node> content = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case NAME -> {
                    expect(value == JsonToken.VALUE_STRING, parser, "_name must be a string");
                    name = parser.getText();
                    expect(XmlNames.isQName(name), parser, "_name \"" + name + "\" is not an XML name");
                }
                case ATTRIBUTES -> {
                    expect(value == JsonToken.START_OBJECT, parser, "_attributes must be an object of strings");
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String attribute = parser.currentName();
                        expect(XmlNames.isQName(attribute), parser, "attribute \"" + attribute + "\" is not an XML name");
                        expect(parser.nextToken() == JsonToken.VALUE_STRING, parser, "attribute " + attribute + " must be a string");
                        attributes.put(attribute, xmlText(parser));
                    }
                }
                case CONTENT -> {
                    expect(value == JsonToken.START_ARRAY, parser, "_content must be an array");
                    for (JsonToken child = parser.nextToken(); child != JsonToken.END_ARRAY; child = parser.nextToken()) {
                        if (child == JsonToken.START_OBJECT) {
                            content.add(readElement(parser, depth + 1));
                        } else {
                            expect(child == JsonToken.VALUE_STRING, parser, "_content may hold only elements (objects) and text (strings)");
                            content.add(new Text(xmlText(parser)));
                        }
                    }
                }
                default -> expect(false, parser, "unknown key \"" + field + "\": an element has only _name, _attributes and _content");
            }
        }
        expect(name != null, parser, "an element needs a _name");
        return new Element(name, attributes, content);
    }

    private static String xmlText(JsonParser parser) throws IOException, ProtocolException {
        String text = parser.getText();
        expect(XmlNames.isXmlText(text), parser, "a string holds a character XML cannot carry");
        return text;
    }

    private static void expect(boolean condition, JsonParser parser, String detail) throws ProtocolException {
        if (!condition) {
            var at = parser.currentLocation();
            throw malformed(detail, at.getLineNr(), at.getColumnNr());
        }
    }

    private static ProtocolException malformed(String detail, int line, int column) {
        return new ProtocolException(ErrorReason.MALFORMED_JSON,
                line > 0 ? "line " + line + ", column " + column + ": " + detail : detail);
    }
}
