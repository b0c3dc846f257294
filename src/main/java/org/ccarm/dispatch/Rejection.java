package org.ccarm.dispatch;

import java.util.Objects;
import org.ccarm.protocol.ErrorReason;

/** A transport's refusal of a call: the reason to answer, and a detail for people. */
public record Rejection(ErrorReason reason, String detail) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
