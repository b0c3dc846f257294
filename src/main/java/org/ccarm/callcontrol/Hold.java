package org.ccarm.callcontrol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A conversation's hold: the operator who requested it, and since when (to the
 * millisecond, as the protocol writes instants: {@code 2026-11-25T13:03:39.123Z}).
 */
public record Hold(String heldBy, Instant since) {

    public Hold {
        Objects.requireNonNull(heldBy, "heldBy");
        since = Objects.requireNonNull(since, "since").truncatedTo(ChronoUnit.MILLIS);
    }
}
