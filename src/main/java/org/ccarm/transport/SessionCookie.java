package org.ccarm.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The session cookie: {@code ccarm_session=<token>; Path=/<DOMAIN>/; HttpOnly;
 * SameSite=Strict} ({@code Secure} over TLS). Scoped to the domain's path, so a session
 * of one domain is never sent to another; HttpOnly, so a page's scripts cannot read it;
 * SameSite=Strict, so a browser does not send it with another site's requests at all.
 */
public final class SessionCookie {

    public static final String NAME = "ccarm_session";

    private SessionCookie() {}

    /**
     * Every session token in {@code Cookie} headers. A sibling site can set a second cookie
     * of the same name ("cookie tossing"): the dispatcher uses the one live session among them.
     */
    public static List<String> tokensIn(List<String> cookieHeaders) {
        List<String> tokens = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String trimmed = pair.trim();
                if (trimmed.startsWith(NAME + "=")) {
                    String value = trimmed.substring(NAME.length() + 1).trim();
                    if (!value.isEmpty()) {
                        tokens.add(value);
                    }
                }
            }
        }
        return tokens;
    }

    /**
     * The {@code Set-Cookie} value that gives the client its session: a browser session
     * cookie (no Max-Age); the server ends the session itself when it expires.
     */
    public static String set(String domain, String token, boolean secure) {
        return NAME + "=" + token + "; Path=/" + domain + "/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that clears it (after logout). */
    public static String clear(String domain, boolean secure) {
        return NAME + "=; Path=/" + domain + "/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
