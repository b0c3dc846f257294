package org.ccarm.feed;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The instants the feed takes: UTC written with {@code Z}, years 1970 to 9999, to the
 * millisecond ({@code .123000Z} is fine, {@code .1234Z} is refused, not rounded: the
 * store keeps milliseconds and a silent cut would report a time nobody sent).
 */
final class FeedInstant {

    private static final Pattern UTC = Pattern.compile("(\\d{4})-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.(\\d{1,9}))?Z");

    private FeedInstant() {}

    static Instant parse(String field, String text) throws InvalidConversationException {
        var match = UTC.matcher(text);
        if (!match.matches()) {
            throw new InvalidConversationException(field + " must be a UTC instant written with Z, such as "
                    + "2026-11-25T13:03:39.123Z, not '" + text + "'");
        }
        int year = Integer.parseInt(match.group(1));
        if (year < 1970) {
            throw new InvalidConversationException(field + " must lie between the years 1970 and 9999");
        }
        String fraction = match.group(2);
        if (fraction != null && fraction.length() > 3 && !fraction.substring(3).chars().allMatch(c -> c == '0')) {
            throw new InvalidConversationException(field + " has a part below the millisecond, which the server does not keep");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidConversationException(field + " is not a valid date and time: '" + text + "'");
        }
    }
}
