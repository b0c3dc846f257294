package org.ccarm.events;

/**
 * Where a subscription's events go: a websocket connection or a Server-Sent Events
 * response. Implemented by the transports; called by {@link Subscription} only.
 */
public interface EventSink {

    /**
     * Writes one event without blocking; {@code written} runs once it has been written
     * out or has failed (it may run before this returns).
     */
    void write(ConversationEvent event, Runnable written);

    /**
     * The server ended the subscription ({@code detail} says why: the subscriber fell
     * behind, or its stream could not be read): the transport closes the connection or
     * the response, so that the client resumes with {@code since}.
     */
    void ended(String detail);
}
