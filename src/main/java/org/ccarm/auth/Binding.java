package org.ccarm.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an operator's phone can be reached: a SIP registration's contact, until it expires.
 *
 * @param contact    the contact URI the phone registered, e.g. {@code sip:1001@192.0.2.7:5062}
 * @param expires    when the registration lapses unless refreshed
 * @param registered when it was last registered (the most recent one is called)
 */
public record Binding(String contact, Instant expires, Instant registered) {

    public Binding {
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(registered, "registered");
    }

    /** Whole seconds left at {@code now} (what a REGISTER's answer says). */
    public long secondsLeft(Instant now) {
        return Math.max(0, (expires.toEpochMilli() - now.toEpochMilli() + 999) / 1000);
    }
}
