package org.ccarm.callcontrol;

import java.util.Objects;
import java.util.Optional;

/**
 * Who called, for a conversation the server carries as a SIP call: the caller's URI (the
 * {@code From} of its INVITE) and display name when it gave one. A conversation reported by
 * the switch feed has none; having one is what marks a conversation as a call this server
 * carries.
 *
 * @param uri  e.g. {@code sip:+4930123456@trunk.example.com}, at most {@link #MAX_LENGTH} characters
 * @param name the display name, or null
 */
public record Caller(String uri, String name) {

    /** The longest URI or name kept (longer ones are cut: they are for people to read). */
    public static final int MAX_LENGTH = 256;

    public Caller {
        Objects.requireNonNull(uri, "uri");
        if (uri.isEmpty()) {
            throw new IllegalArgumentException("a caller's URI must not be empty");
        }
        if (uri.length() > MAX_LENGTH || (name != null && name.length() > MAX_LENGTH)) {
            throw new IllegalArgumentException("a caller's URI and name have at most " + MAX_LENGTH + " characters");
        }
        if (name != null && name.isEmpty()) {
            name = null;
        }
    }

    /** A caller from what a SIP request said, each part cut to {@link #MAX_LENGTH}. */
    public static Caller of(String uri, String name) {
        return new Caller(cut(uri), name == null ? null : cut(name));
    }

    public Optional<String> displayName() {
        return Optional.ofNullable(name);
    }

    private static String cut(String text) {
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH);
    }
}
