package org.ccarm.audit;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit trail to the {@code audit} logger, one line per entry:
 *
 * <pre>domain=demo cmd=call_unhold conversation=0647e098a4b48b05 version=2 seq=17 operator=1001 session=1001 outcome=ok status=200 duration_us=85 transport=http request=k3j9x2-1a</pre>
 *
 * A conversation's {@code version} rises by one with each of its changes, so the
 * lines of one conversation can be put back in the order of its changes whatever the
 * order they were written in; {@code seq} is the change's event in the domain's stream
 * ({@code -} when nothing changed), so events and lines match one to one. {@code operator} is who acted; {@code session} is whose
 * session asked ({@code -} without one): a supervisor acting for an operator shows both. Values are written by {@link AuditValue}: escaped
 * before they are cut, and never cut so that two values look alike.
 */
public final class AuditLog {

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");

    private final boolean synced;
    private final BooleanSupplier writable;
    private final BooleanSupplier lastLineKept;

    /**
     * An audit that fails closed when {@code synced}: changes are refused while the trail
     * cannot be written ({@code writable}), and a change whose own line did not reach the
     * disk ({@code lastLineKept}, asked on the thread that recorded it) is told so.
     */
    public AuditLog(boolean synced, BooleanSupplier writable, BooleanSupplier lastLineKept) {
        this.synced = synced;
        this.writable = writable;
        this.lastLineKept = lastLineKept;
    }

    /** An audit that never refuses (tests, tools): its lines are queued, and a failure only counted. */
    public AuditLog() {
        this(false, () -> true, () -> true);
    }

    /**
     * Whether a change may be made now: false only when the audit is synced and its trail
     * cannot be written (a change whose line cannot be kept is refused before it is made).
     */
    public boolean acceptsChanges() {
        return !synced || writable.getAsBoolean();
    }

    /**
     * Writes the entry's line; false when the audit is synced and the line did not reach
     * the disk (it is kept to be tried again, but the answer must not promise it).
     */
    public boolean record(AuditEntry entry) {
        if (!AUDIT.isInfoEnabled()) {
            return true;
        }
        StringBuilder line = new StringBuilder(192);
        line.append("domain=");
        AuditValue.append(entry.domain(), line);
        line.append(" cmd=");
        AuditValue.append(entry.cmd(), line);
        line.append(" conversation=");
        AuditValue.append(entry.conversation(), line);
        line.append(" version=");
        if (entry.version() > 0) {
            line.append(entry.version());
        } else {
            line.append('-');
        }
        line.append(" seq=");
        if (entry.seq() > 0) {
            line.append(entry.seq());
        } else {
            line.append('-');
        }
        line.append(" operator=");
        AuditValue.append(entry.operator(), line);
        line.append(" session=");
        AuditValue.append(entry.sessionOperator(), line);
        line.append(" outcome=").append(entry.outcome())
                .append(" status=").append(entry.status())
                .append(" duration_us=").append(entry.durationMicros())
                .append(" transport=").append(entry.transport())
                .append(" request=");
        AuditValue.append(entry.requestId(), line);
        AUDIT.info(line.toString());
        return !synced || lastLineKept.getAsBoolean();
    }
}
