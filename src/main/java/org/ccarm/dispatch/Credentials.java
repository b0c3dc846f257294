package org.ccarm.dispatch;

import java.util.List;
import java.util.Objects;

/**
 * The session tokens a call presents, and how they came: in session cookies (which a
 * browser sends by itself, so the call must pass the cross-site checks), as
 * {@code Authorization: Bearer} (which no browser sends on its own), or held by a
 * websocket connection that logged in earlier. Cookies may be several: a sibling service
 * on the same host name can plant a {@code ccarm_session} of its own ({@code Path=/}),
 * so the dispatcher uses the one that is a live session of the domain.
 */
public record Credentials(List<String> tokens, Kind kind) {

    /** {@code AMBIGUOUS}: two Authorization headers, or more cookies than {@link #MAX_COOKIES}: which one is meant? */
    public enum Kind { COOKIE, BEARER, CONNECTION, AMBIGUOUS }

    /** The session cookies one request may carry; more is not a browser's doing. */
    public static final int MAX_COOKIES = 4;

    public static Credentials ambiguous() {
        return new Credentials(List.of(), Kind.AMBIGUOUS);
    }

    public static Credentials of(String token, Kind kind) {
        return new Credentials(List.of(token), kind);
    }

    public Credentials {
        tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
        Objects.requireNonNull(kind, "kind");
        if (tokens.isEmpty() != (kind == Kind.AMBIGUOUS)) {
            throw new IllegalArgumentException("credentials carry at least one token, unless they are ambiguous");
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + kind + " x" + tokens.size() + "]"; // never a token in a log
    }
}
