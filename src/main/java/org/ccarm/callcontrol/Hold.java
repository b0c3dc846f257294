package org.ccarm.callcontrol;

import java.time.Instant;
import java.util.Objects;

/** A conversation's hold: the operator who requested it, and since when. */
public record Hold(String heldBy, Instant since) {

    public Hold {
        Objects.requireNonNull(heldBy, "heldBy");
        Objects.requireNonNull(since, "since");
    }
}
