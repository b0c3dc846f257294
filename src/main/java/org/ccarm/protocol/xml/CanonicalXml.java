package org.ccarm.protocol.xml;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.CommandShape;

/**
 * Recognises, byte by byte, the plain shape nearly every client sends:
 *
 * <pre>
 * [&lt;?xml version="1.0" [encoding="UTF-8"]?&gt;]
 * &lt;in&gt;&lt;request&gt;&lt;CMD a="..." b="..."/&gt;&lt;/request&gt;&lt;/in&gt;
 * </pre>
 *
 * with whitespace where XML allows it, either quote, the command's attributes in any
 * order (the required ones present, none twice), and {@code <CMD ...></CMD>} for
 * {@code <CMD .../>}. The command's name and attributes come from its schema
 * ({@link CommandShape}), whose command element has string attributes only. Such a
 * document is well formed and
 * valid against the command's schema by construction, so parsing and validating it
 * with Xerces could only confirm what this already knows; it is the single biggest
 * cost of a request (see the README's performance section).
 *
 * <p>Anything else, however slightly different (a comment, an entity or character
 * reference, a character outside printable ASCII, a namespace, an unknown or repeated
 * attribute, whitespace inside the empty command element, a DOCTYPE, a BOM, another
 * XML version or encoding), is declined and goes the full way: parse, validate, bind.
 * A differential test feeds both paths thousands of generated documents and checks
 * that this never accepts what the full path refuses, nor reads different values.
 */
final class CanonicalXml {

    private static final byte[] DECLARATION = ascii("<?xml");
    private static final byte[] VERSION = ascii("version");
    private static final byte[] ONE_ZERO = ascii("1.0");
    private static final byte[] ENCODING = ascii("encoding");
    private static final byte[] UTF_8 = ascii("UTF-8");
    private static final byte[] IN = ascii("in");
    private static final byte[] REQUEST = ascii("request");

    private final byte[] command;
    private final List<String> names;
    private final byte[][] attributes; // the names as bytes, same order
    private final int required; // the first `required` attributes are required

    CanonicalXml(CommandShape shape) {
        this.command = ascii(shape.command());
        this.names = shape.attributes();
        this.attributes = names.stream().map(CanonicalXml::ascii).toArray(byte[][]::new);
        this.required = shape.required().size();
    }

    /** The command element's attributes, or null when the document is not of the canonical shape. */
    Map<String, String> match(byte[] body) {
        Cursor c = new Cursor(body);
        if (c.startsWith(DECLARATION)) {
            if (!declaration(c)) {
                return null;
            }
        }
        c.skipSpace();
        if (!c.openTag(IN) || !c.openTag(REQUEST)) {
            return null;
        }
        c.skipSpace();
        if (!c.expect('<') || !c.name(command)) {
            return null;
        }
        String[] values = new String[attributes.length];
        while (true) {
            boolean spaced = c.skipSpace();
            if (c.peek() == '/' || c.peek() == '>') {
                break;
            }
            if (!spaced) {
                return null; // attributes must be separated by whitespace
            }
            int which = c.attributeName(attributes);
            if (which < 0 || values[which] != null) {
                return null; // unknown, or repeated
            }
            values[which] = c.attributeValue();
            if (values[which] == null) {
                return null;
            }
        }
        boolean closed = c.expect('/') ? c.expect('>') : c.expect('>') && c.closeTag(command);
        if (!closed) {
            return null;
        }
        for (int k = 0; k < required; k++) {
            if (values[k] == null) {
                return null;
            }
        }
        if (!c.closeTagAfterSpace(REQUEST) || !c.closeTagAfterSpace(IN)) {
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

    /** {@code <?xml version="1.0"?>} or {@code <?xml version="1.0" encoding="UTF-8"?>}, at the very start. */
    private static boolean declaration(Cursor c) {
        c.advance(DECLARATION.length);
        if (!c.skipSpace() || !c.word(VERSION) || !c.quoted(ONE_ZERO)) {
            return false;
        }
        boolean spaced = c.skipSpace();
        if (spaced && c.peek() == 'e') {
            if (!c.word(ENCODING) || !c.quotedIgnoringCase(UTF_8)) {
                return false;
            }
            c.skipSpace();
        }
        return c.expect('?') && c.expect('>');
    }

    private static byte[] ascii(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }

    /** A position in the body, with the few moves the grammar needs. */
    private static final class Cursor {
        private final byte[] b;
        private int i;

        Cursor(byte[] body) {
            this.b = body;
        }

        int peek() {
            return i < b.length ? b[i] : -1;
        }

        boolean atEnd() {
            return i == b.length;
        }

        void advance(int n) {
            i += n;
        }

        boolean expect(char ch) {
            if (peek() == ch) {
                i++;
                return true;
            }
            return false;
        }

        /** XML's whitespace: space, tab, CR, LF. Returns whether there was any. */
        boolean skipSpace() {
            int start = i;
            while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
                i++;
            }
            return i > start;
        }

        boolean startsWith(byte[] token) {
            if (b.length - i < token.length) {
                return false;
            }
            for (int k = 0; k < token.length; k++) {
                if (b[i + k] != token[k]) {
                    return false;
                }
            }
            return true;
        }

        /** Exactly {@code token}, not followed by another name character. */
        boolean name(byte[] token) {
            if (!startsWith(token)) {
                return false;
            }
            int after = i + token.length;
            if (after < b.length && isNameChar(b[after])) {
                return false;
            }
            i = after;
            return true;
        }

        /**
         * An attribute (or pseudo-attribute) name and its {@code =}, with optional space
         * around it. On a mismatch the position is left where it was.
         */
        boolean word(byte[] token) {
            int start = i;
            if (!name(token)) {
                return false;
            }
            skipSpace();
            if (!expect('=')) {
                i = start;
                return false;
            }
            skipSpace();
            return true;
        }

        /** Which of {@code names} starts here, followed by its {@code =}; -1 when none. */
        int attributeName(byte[][] names) {
            for (int k = 0; k < names.length; k++) {
                if (word(names[k])) {
                    return k;
                }
            }
            return -1;
        }

        /** {@code S? <name S? >}: an opening tag without attributes. */
        boolean openTag(byte[] token) {
            skipSpace();
            if (!expect('<') || !name(token)) {
                return false;
            }
            skipSpace();
            return expect('>');
        }

        /** {@code </name S? >} right here: no space before it (the command element is empty content). */
        boolean closeTag(byte[] token) {
            if (!expect('<') || !expect('/') || !name(token)) {
                return false;
            }
            skipSpace();
            return expect('>');
        }

        boolean closeTagAfterSpace(byte[] token) {
            skipSpace();
            return closeTag(token);
        }

        /**
         * A quoted value of printable ASCII without markup: no {@code <}, no {@code &}
         * (so no reference to expand) and no tab or line break (which a parser would
         * normalise). Null when it is anything else.
         */
        String attributeValue() {
            int quote = peek();
            if (quote != '"' && quote != '\'') {
                return null;
            }
            int start = ++i;
            while (i < b.length && b[i] != quote) {
                byte ch = b[i];
                if (ch < 0x20 || ch > 0x7e || ch == '<' || ch == '&') {
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

        boolean quoted(byte[] token) {
            int quote = peek();
            if ((quote != '"' && quote != '\'') || b.length - i < token.length + 2) {
                return false;
            }
            i++;
            if (!startsWith(token)) {
                return false;
            }
            i += token.length;
            return expect((char) quote);
        }

        boolean quotedIgnoringCase(byte[] token) {
            int quote = peek();
            if ((quote != '"' && quote != '\'') || b.length - i < token.length + 2) {
                return false;
            }
            for (int k = 0; k < token.length; k++) {
                if (Character.toUpperCase(b[i + 1 + k]) != token[k]) {
                    return false;
                }
            }
            i += token.length + 1;
            return expect((char) quote);
        }

        private static boolean isNameChar(byte ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '_' || ch == '-' || ch == '.' || ch == ':' || ch < 0; // a byte >= 0x80 may start a name character
        }
    }
}
