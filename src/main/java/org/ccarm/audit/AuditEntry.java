package org.ccarm.audit;

import java.util.Objects;

/**
 * One line of the audit trail.
 *
 * @param transport     {@code http}, {@code ws}, or {@code feed} for the switch feed
 * @param cmd           the command the client named (or the feed's change)
 * @param conversation  the conversation, null when none was read
 * @param version       the conversation's version after the change, or of the state a
 *                      refusal saw; 0 when there is none
 * @param seq           the change's event in its domain's stream; 0 when nothing changed
 * @param operator      the acting operator once the rules resolved it, else the one the
 *                      request named; null when neither
 * @param outcome       {@code ok}, the error reason, or what the feed did
 * @param status        the status answered
 * @param durationMicros from the call's start to its outcome
 * @param requestId      the request's id ({@code X-Request-Id}; for a frame, connection/frame)
 * @param sessionOperator the operator whose session made the call; null without a session
 */
public record AuditEntry(String transport, String domain, String cmd, String conversation, long version, long seq,
                         String operator, String outcome, int status, long durationMicros, String requestId,
                         String sessionOperator) {

    public AuditEntry {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(outcome, "outcome");
    }
}
