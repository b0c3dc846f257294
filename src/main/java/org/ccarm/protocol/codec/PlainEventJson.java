package org.ccarm.protocol.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.ccarm.events.ConversationEvent;

/**
 * The JSON form of an event written straight into a buffer, for the plain events nearly
 * every change makes: values of printable ASCII without a quote or a backslash, an
 * instant between the years 0 and 9999. The general path (an {@link org.ccarm.protocol.tree.Element}
 * written by Jackson) took a tenth of the server's CPU with 1,000 subscribers: a
 * DateTimeFormatter and a generator per event. Anything else returns null and goes that
 * way; {@code PlainEventJsonTest} requires the same bytes from both for every event it makes.
 */
final class PlainEventJson {

    private PlainEventJson() {}

    /** The event's JSON form, or null when it is not plain. */
    static byte[] write(ConversationEvent event) {
        StringBuilder json = new StringBuilder(192).append("[{\"_name\":\"event\",\"_attributes\":{");
        boolean first = true;
        if (event.seq() > 0 || event.type() == ConversationEvent.Type.SNAPSHOT_END) {
            first = attribute(json, first, "seq", Long.toString(event.seq()));
        }
        first = attribute(json, first, "epoch", event.epoch());
        first = attribute(json, first, "type", event.type().wire());
        if (event.conversationId() != null) {
            first = attribute(json, first, "conversation_id", event.conversationId());
            first = attribute(json, first, "status", event.status().wire());
        }
        if (event.operatorId() != null) {
            first = attribute(json, first, "operator_id", event.operatorId());
        }
        if (!event.operators().isEmpty()) {
            first = attribute(json, first, "operators", String.join(" ", event.operators()));
        }
        if (event.caller() != null) {
            first = attribute(json, first, "caller", event.caller().uri());
            if (event.caller().name() != null) {
                first = attribute(json, first, "caller_name", event.caller().name());
            }
        }
        String at = at(event.at());
        if (at == null) {
            return null;
        }
        attribute(json, first, "at", at);
        if (event.reset()) {
            attribute(json, false, "reset", "true");
        }
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == 0) {
                return null; // a value that was not plain left its mark
            }
        }
        return json.append("}}]").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends {@code "name":"value"}; a value that is not plain is written as a NUL, which the caller looks for. */
    private static boolean attribute(StringBuilder json, boolean first, String name, String value) {
        if (!first) {
            json.append(',');
        }
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            json.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '\0');
        }
        json.append('"');
        return false;
    }

    /** {@code 2026-11-25T13:03:39.123Z}; null for a year outside 0-9999. */
    static String at(Instant instant) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (time.getYear() < 0 || time.getYear() > 9999) {
            return null;
        }
        char[] text = "0000-00-00T00:00:00.000Z".toCharArray();
        digits(text, 0, 4, time.getYear());
        digits(text, 5, 2, time.getMonthValue());
        digits(text, 8, 2, time.getDayOfMonth());
        digits(text, 11, 2, time.getHour());
        digits(text, 14, 2, time.getMinute());
        digits(text, 17, 2, time.getSecond());
        digits(text, 20, 3, instant.getNano() / 1_000_000);
        return new String(text);
    }

    private static void digits(char[] text, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
