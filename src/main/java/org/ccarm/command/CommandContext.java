package org.ccarm.command;

import java.time.Instant;
import java.util.Objects;

/** Where and when a command runs: the request's domain, and the instant it is carried out at. */
public record CommandContext(String domain, Instant now) {

    public CommandContext {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(now, "now");
    }
}
