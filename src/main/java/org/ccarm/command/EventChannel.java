package org.ccarm.command;

import org.ccarm.events.SubscriptionRequest;

/**
 * A connection that stays open and can carry events to its client: the websocket's (and
 * the event stream's). {@code subscribe} and {@code unsubscribe} act on it; the transport
 * starts sending events only once it has sent the command's answer.
 */
public interface EventChannel {

    /**
     * Subscribes the connection, replacing its subscription if it had one. Throws the
     * store's unavailability when the domain's stream cannot be read now.
     */
    void subscribe(SubscriptionRequest request);

    /** Ends the connection's subscription; false when it had none. */
    boolean unsubscribe();
}
