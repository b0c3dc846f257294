package org.ccarm.dispatch;

import org.ccarm.protocol.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per command call to the {@code audit} logger (routed by the log
 * configuration in {@code config/}): domain, command, conversation, acting operator,
 * outcome, status, duration and transport. Values a client chose are quoted and
 * escaped, so no request can forge or break a line.
 */
public final class AuditLog {

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final int MAX_VALUE_CHARS = 128;

    public void record(Call call, Answer answer, String conversationId, String actingOperator) {
        if (!AUDIT.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - call.startNanos()) / 1_000;
        StringBuilder line = new StringBuilder(160);
        line.append("domain=");
        value(call.domain(), line);
        line.append(" cmd=");
        value(call.command(), line);
        line.append(" conversation=");
        value(conversationId, line);
        line.append(" operator=");
        value(actingOperator, line);
        line.append(" outcome=").append(answer.outcome())
                .append(" status=").append(answer.status())
                .append(" duration_us=").append(micros)
                .append(" transport=").append(call.transport());
        AUDIT.info(line.toString());
    }

    /** A value as is when it is plain, else quoted with escapes; "-" when absent. */
    static void value(String value, StringBuilder line) {
        if (value == null) {
            line.append('-');
            return;
        }
        String shown = value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "..." : value;
        if (plain(shown)) {
            line.append(shown);
            return;
        }
        line.append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        line.append('"');
    }

    /** Printable ASCII without space, quote, backslash or '=': safe to write bare. A loop, not a stream: it runs per call. */
    private static boolean plain(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '=') {
                return false;
            }
        }
        return true;
    }
}
