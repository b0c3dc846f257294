package org.ccarm.protocol;

/** A request that cannot be read: the reason to answer and a detail safe to show the client. */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorReason reason;

    public ProtocolException(ErrorReason reason, String detail) {
        super(detail, null, false, false); // expected on bad input: no stack trace to fill
        this.reason = reason;
    }

    public ErrorReason reason() {
        return reason;
    }

    /** The human-readable detail for the {@code error} element. */
    public String detail() {
        return getMessage();
    }
}
