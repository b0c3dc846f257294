package org.ccarm.protocol;

import java.time.Instant;

/**
 * What an answer does to the client's session, for the transport to carry out its own
 * way: HTTP sets or clears the session cookie, a websocket connection takes on or drops
 * the session. {@code token} is null when the session ended.
 */
public record SessionChange(String domain, String token, Instant expires) {

    public static SessionChange started(String domain, String token, Instant expires) {
        return new SessionChange(domain, token, expires);
    }

    public static SessionChange ended(String domain) {
        return new SessionChange(domain, null, null);
    }

    public boolean isStarted() {
        return token != null;
    }

    @Override
    public String toString() {
        return "SessionChange[" + domain + ", " + (isStarted() ? "started, until " + expires : "ended") + "]"; // no token
    }
}
