package org.ccarm.transport.http;

/** RFC 9110's tokens, spaces and quoted strings, for the header parsers: never throws, whatever the text. */
final class HeaderLexer {
    private final String text;
    private int i;

    HeaderLexer(String text) {
        this.text = text;
    }

    boolean atEnd() {
        return i >= text.length();
    }

    int peek() {
        return atEnd() ? -1 : text.charAt(i);
    }

    boolean take(char c) {
        if (peek() == c) {
            i++;
            return true;
        }
        return false;
    }

    void skipSpace() {
        while (peek() == ' ' || peek() == '\t') {
            i++;
        }
    }

    /** One or more tchar; null when there is none here. */
    String token() {
        int start = i;
        while (!atEnd() && isTchar(text.charAt(i))) {
            i++;
        }
        return i > start ? text.substring(start, i) : null;
    }

    /** A quoted string, unescaped; null when it is not closed or holds a control character. */
    String quoted() {
        StringBuilder value = new StringBuilder();
        i++; // the opening quote
        while (!atEnd()) {
            char c = text.charAt(i++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                if (atEnd()) {
                    return null;
                }
                c = text.charAt(i++);
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return null;
            }
            value.append(c);
        }
        return null;
    }

    /** Moves past the next {@code c} outside a quoted string (or to the end): where a list's next element starts. */
    void skipPast(char c) {
        while (!atEnd()) {
            char here = text.charAt(i++);
            if (here == c) {
                return;
            }
            if (here == '"') {
                while (!atEnd() && text.charAt(i) != '"') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            }
        }
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
