package org.ccarm.dispatch;

import java.util.Objects;

/**
 * The session token a call presents, and how it came: in the session cookie (which a
 * browser sends by itself, so the call must pass the cross-site checks), as
 * {@code Authorization: Bearer} (which no browser sends on its own), or held by a
 * websocket connection that logged in earlier.
 */
public record Credentials(String token, Kind kind) {

    /** {@code AMBIGUOUS}: more than one token came (two Authorization headers, two session cookies). */
    public enum Kind { COOKIE, BEARER, CONNECTION, AMBIGUOUS }

    public static Credentials ambiguous() {
        return new Credentials("", Kind.AMBIGUOUS);
    }

    public Credentials {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() {
        return "Credentials[" + kind + "]"; // never the token in a log
    }
}
