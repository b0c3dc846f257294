package org.ccarm.feed;

/**
 * A change the feed may not make now: the audit is synced and its trail cannot be
 * written, so the change could not be recorded. Nothing was changed; 503, as the command
 * API answers {@code audit_unavailable}.
 */
public final class AuditUnavailableException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    AuditUnavailableException() {
        super("the audit trail cannot be written now (audit.durability=synced): nothing was changed; try again shortly");
    }

    /** The change was made, but its own line did not reach the disk. */
    static AuditUnavailableException afterTheChange() {
        return new AuditUnavailableException("the change was made, but its audit line could not be written to disk "
                + "(audit.durability=synced); it is kept to be written again, and further changes are refused until the "
                + "trail can be written");
    }

    private AuditUnavailableException(String detail) {
        super(detail);
    }

    @Override
    public String error() {
        return "audit_unavailable";
    }

    @Override
    public int status() {
        return 503;
    }
}
