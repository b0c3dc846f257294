package org.ccarm.dispatch;

import java.util.Optional;
import org.ccarm.command.EventChannel;

/**
 * The checks only a transport can make, asked by the dispatcher in the protocol's order
 * of checks (after the domain and the command, before the body), each at most once.
 * A transport that has no such check keeps the default: it passes.
 */
public interface TransportChecks {

    /** Checks that pass: a websocket frame has no method and no media type of its own. */
    TransportChecks NONE = new TransportChecks() {};

    /** 405: the call uses a method commands do not take. */
    default Optional<Rejection> method() {
        return Optional.empty();
    }

    /** The session token the call carries, if any. */
    default Optional<Credentials> credentials() {
        return Optional.empty();
    }

    /**
     * 403 {@code forbidden_origin}: a call a browser may have sent by itself (anything but
     * a bearer token) from a page of another origin than the server's own or an allowed one.
     */
    default Optional<Rejection> origin(Optional<Credentials> credentials) {
        return Optional.empty();
    }

    /**
     * 415: the body's media type (or its charset) is not one the API reads; a call
     * authenticated by cookie must also name one (a form a browser posts by itself has none of them).
     */
    default Optional<Rejection> mediaType(Optional<Credentials> credentials) {
        return Optional.empty();
    }

    /** The connection's channel for events, when it stays open to carry them (the websocket's); empty otherwise. */
    default Optional<EventChannel> eventChannel() {
        return Optional.empty();
    }

    /** The client's address, for counting failed logins: the socket's, or a trusted proxy's word. */
    default String clientAddress() {
        return "-";
    }
}
