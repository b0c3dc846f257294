package org.ccarm.protocol.frame;

import org.ccarm.protocol.ErrorReason;

/** A frame whose header cannot be read; {@code id} is the client's when it was readable, else {@code 0000}. */
public final class FrameException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorReason reason;
    private final String id;

    FrameException(ErrorReason reason, String id, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.id = id;
    }

    public ErrorReason reason() {
        return reason;
    }

    public String id() {
        return id;
    }

    public String detail() {
        return getMessage();
    }
}
