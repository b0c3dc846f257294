package org.ccarm.dispatch;

import java.util.Optional;

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

    /** 415: the body's media type (or its charset) is not one the API reads. */
    default Optional<Rejection> mediaType() {
        return Optional.empty();
    }
}
