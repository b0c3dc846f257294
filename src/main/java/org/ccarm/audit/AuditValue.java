package org.ccarm.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A value in an audit line. Plain values (printable ASCII without space, quote,
 * backslash or {@code =}) are written as they are; any other is quoted, with quotes and
 * backslashes escaped and every character that could break, hide or reorder what a
 * reader sees written as {@code \\uXXXX}: controls (C0, DEL, C1 such as U+0085),
 * line and paragraph separators (U+2028, U+2029), format characters (bidi controls such
 * as U+202E, zero-width characters), lone surrogates and unassigned code points.
 *
 * <p>Escaping comes first, then the cut: a value longer than {@value #MAX_CHARS}
 * characters once escaped keeps its first whole characters (never half an escape or
 * half a surrogate pair) and ends with {@code ...#} and the first 12 hex digits of the
 * SHA-256 of the whole value, so two different long values never write the same line.
 * A cut value is always quoted.
 */
final class AuditValue {

    static final int MAX_CHARS = 128;

    private AuditValue() {}

    static void append(String value, StringBuilder line) {
        if (value == null) {
            line.append('-');
            return;
        }
        if (value.length() <= MAX_CHARS && plain(value)) {
            line.append(value);
            return;
        }
        line.append('"');
        int start = line.length();
        boolean cut = false;
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            int before = line.length();
            escape(codePoint, value, i, line);
            if (line.length() - start > MAX_CHARS) {
                line.setLength(before); // whole characters and escapes only
                cut = true;
                break;
            }
            i += Character.charCount(codePoint);
        }
        if (cut) {
            line.append("...#").append(digest(value));
        }
        line.append('"');
    }

    private static void escape(int codePoint, String value, int at, StringBuilder line) {
        if (codePoint == '"' || codePoint == '\\') {
            line.append('\\').append((char) codePoint);
        } else if (hidden(codePoint, value, at)) {
            line.append(String.format("\\u%04x", codePoint <= 0xFFFF ? codePoint : (int) value.charAt(at)));
            if (codePoint > 0xFFFF) {
                line.append(String.format("\\u%04x", (int) value.charAt(at + 1)));
            }
        } else {
            line.appendCodePoint(codePoint);
        }
    }

    /** Characters a reader of the trail would not see for what they are. */
    private static boolean hidden(int codePoint, String value, int at) {
        if (Character.isSurrogate(value.charAt(at)) && Character.charCount(codePoint) == 1) {
            return true; // a lone surrogate
        }
        switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE:
                return true;
            default:
                return false;
        }
    }

    /** Printable ASCII without space, quote, backslash or '=': safe to write bare. A loop, not a stream: it runs per call. */
    private static boolean plain(String value) {
        if (value.isEmpty() || value.equals("-")) {
            return false; // "-" bare means "none"
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '=') {
                return false;
            }
        }
        return true;
    }

    /** Over the UTF-16 code units as they are, so that values differing only in a lone surrogate differ here too. */
    private static String digest(String value) {
        byte[] units = new byte[value.length() * 2];
        for (int i = 0; i < value.length(); i++) {
            units[2 * i] = (byte) (value.charAt(i) >> 8);
            units[2 * i + 1] = (byte) value.charAt(i);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(units);
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
