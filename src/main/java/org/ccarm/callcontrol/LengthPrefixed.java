package org.ccarm.callcontrol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Texts written one after another, each as its length, a colon and itself, so any text is
 * safe in them and nothing needs escaping: the form of a conversation's state in the store
 * ({@link ConversationCodec#encode}) and of the messages instances send each other.
 */
public final class LengthPrefixed {

    private LengthPrefixed() {}

    public static void append(StringBuilder text, String value) {
        text.append(value.length()).append(':').append(value);
    }

    /** The texts {@link #append} wrote; anything else throws {@link IllegalArgumentException}. */
    public static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int colon = text.indexOf(':', i);
            if (colon < 0) {
                throw new IllegalArgumentException("not length-prefixed texts: " + cut(text));
            }
            int end;
            try {
                end = colon + 1 + Integer.parseInt(text.substring(i, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not length-prefixed texts: " + cut(text), e);
            }
            if (end < colon + 1 || end > text.length()) {
                throw new IllegalArgumentException("not length-prefixed texts (a length past the end): " + cut(text));
            }
            tokens.add(text.substring(colon + 1, end));
            i = end;
        }
        return tokens;
    }

    /** Names and values, in order, as one text. */
    public static String ofFields(Map<String, String> fields) {
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> {
            append(text, name);
            append(text, value);
        });
        return text.toString();
    }

    /** The names and values {@link #ofFields} wrote. */
    public static Map<String, String> fields(String text) {
        List<String> tokens = split(text);
        if (tokens.size() % 2 != 0) {
            throw new IllegalArgumentException("a name without its value: " + cut(text));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i += 2) {
            fields.put(tokens.get(i), tokens.get(i + 1));
        }
        return fields;
    }

    private static String cut(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
