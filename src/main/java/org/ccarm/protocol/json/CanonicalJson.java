package org.ccarm.protocol.json;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.CommandShape;

/**
 * Recognises, byte by byte, the JSON form nearly every client sends:
 *
 * <pre>
 * [{"_name":"in","_content":[{"_name":"request","_content":[
 *     {"_name":"CMD","_attributes":{"a":"...","b":"..."}}]}]}]
 * </pre>
 *
 * with any JSON whitespace between tokens (so the vendor's pretty-printed examples
 * too), {@code _name} first in every element, the command's attributes (from its
 * schema, {@link CommandShape}) in any order, the required ones present, none twice,
 * and every string printable ASCII without an escape. Such a document is the JSON form
 * of the canonical XML document, valid by construction; reading it costs no parser,
 * no tree, no validator and no binder (a tenth of the full path, see the README).
 *
 * <p>Anything else (another key order, an escape, a non-ASCII character, a number, an
 * unknown or repeated attribute, a BOM, trailing data, ...) is declined and goes the
 * full way: Jackson, the element tree, the schema, JAXB. A differential test feeds
 * both paths thousands of generated and mutated documents and requires the same
 * outcome from each.
 */
public final class CanonicalJson {

    private static final byte[] NAME = ascii("\"_name\"");
    private static final byte[] CONTENT = ascii("\"_content\"");
    private static final byte[] ATTRIBUTES = ascii("\"_attributes\"");
    private static final byte[] IN = ascii("\"in\"");
    private static final byte[] REQUEST = ascii("\"request\"");

    private final byte[] command;
    private final List<String> names;
    private final byte[][] attributes; // each name quoted, as bytes, same order
    private final int required; // the first `required` attributes are required

    public CanonicalJson(CommandShape shape) {
        this.command = ascii("\"" + shape.command() + "\"");
        this.names = shape.attributes();
        this.attributes = names.stream().map(n -> ascii("\"" + n + "\"")).toArray(byte[][]::new);
        this.required = shape.required().size();
    }

    /** The command element's attributes, or null when the document is not of the canonical shape. */
    public Map<String, String> match(byte[] body) {
        Cursor c = new Cursor(body);
        if (!c.punct('[') || !openElement(c, IN) || !openElement(c, REQUEST)) {
            return null;
        }
        if (!c.punct('{') || !c.key(NAME) || !c.token(command)) {
            return null;
        }
        String[] values = new String[attributes.length];
        if (c.punct(',')) {
            if (!c.key(ATTRIBUTES) || !c.punct('{') || !attributes(c, values)) {
                return null;
            }
        }
        for (int k = 0; k < required; k++) {
            if (values[k] == null) {
                return null;
            }
        }
        // close the command element, request's content and element, in's content and element, the array
        if (!c.punct('}') || !c.punct(']') || !c.punct('}') || !c.punct(']') || !c.punct('}') || !c.punct(']')) {
            return null;
        }
        c.skipSpace();
        if (!c.atEnd()) {
            return null;
        }
        Map<String, String> found = new HashMap<>(4);
        for (int k = 0; k < values.length; k++) {
            if (values[k] != null) {
                found.put(names.get(k), values[k]);
            }
        }
        return found;
    }

    /** {@code {"_name":"<name>","_content":[} */
    private static boolean openElement(Cursor c, byte[] name) {
        return c.punct('{') && c.key(NAME) && c.token(name) && c.punct(',') && c.key(CONTENT) && c.punct('[');
    }

    /** The members of {@code _attributes} after its {@code {}, up to and including its {@code }}. */
    private boolean attributes(Cursor c, String[] values) {
        if (c.punct('}')) {
            return true;
        }
        do {
            int which = c.keyOf(attributes);
            if (which < 0 || values[which] != null) {
                return false; // unknown, or repeated
            }
            values[which] = c.string();
            if (values[which] == null) {
                return false;
            }
        } while (c.punct(','));
        return c.punct('}');
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A position in the body, with the few moves the grammar needs; whitespace before each token is skipped. */
    private static final class Cursor {
        private final byte[] b;
        private int i;

        Cursor(byte[] body) {
            this.b = body;
        }

        boolean atEnd() {
            return i == b.length;
        }

        /** JSON's whitespace: space, tab, CR, LF. */
        void skipSpace() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
                i++;
            }
        }

        boolean punct(char ch) {
            skipSpace();
            if (i < b.length && b[i] == ch) {
                i++;
                return true;
            }
            return false;
        }

        /** Exactly these bytes (a quoted string), after whitespace. */
        boolean token(byte[] token) {
            skipSpace();
            if (b.length - i < token.length) {
                return false;
            }
            for (int k = 0; k < token.length; k++) {
                if (b[i + k] != token[k]) {
                    return false;
                }
            }
            i += token.length;
            return true;
        }

        /** A member's key and its colon. */
        boolean key(byte[] quoted) {
            return token(quoted) && punct(':');
        }

        /** Which of the quoted {@code keys} starts here, with its colon; -1 when none. */
        int keyOf(byte[][] keys) {
            skipSpace();
            int start = i;
            for (int k = 0; k < keys.length; k++) {
                if (key(keys[k])) {
                    return k;
                }
                i = start;
            }
            return -1;
        }

        /** A string of printable ASCII without escapes; null when it is anything else. */
        String string() {
            skipSpace();
            if (i >= b.length || b[i] != '"') {
                return null;
            }
            int start = ++i;
            while (i < b.length && b[i] != '"') {
                byte ch = b[i];
                if (ch < 0x20 || ch > 0x7e || ch == '\\') {
                    return null;
                }
                i++;
            }
            if (i == b.length) {
                return null;
            }
            String value = new String(b, start, i - start, StandardCharsets.ISO_8859_1); // ASCII: a byte is a character
            i++;
            return value;
        }
    }
}
