package org.ccarm.store;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Requests from one instance to another, through the store (no second broker): how a
 * command reaches the instance that carries its call (README, "Several instances and SIP").
 * A request goes to one named instance and gets one reply, or none: no answer by the
 * deadline fails it with {@link Unanswered}, and the other instance may still act on it
 * (the outcome is unknown, as with any lost reply).
 */
public interface Handovers extends AutoCloseable {

    /**
     * Sends {@code request} to the instance named {@code to}; completes with its reply, or
     * fails with {@link Unanswered} at {@code deadlineNanos} ({@link System#nanoTime}) or
     * sooner when the store knows nobody listens under that name, or with
     * {@link StoreUnavailableException}. No thread waits.
     */
    CompletionStage<String> send(String to, String request, long deadlineNanos);

    /**
     * Answers the requests sent to {@code self} with {@code handler}'s replies, from now
     * until {@link #close}. The handler must not block: it answers later.
     */
    void serve(String self, Function<String, CompletionStage<String>> handler);

    @Override
    void close();

    /** The instance did not answer in time (or, the store knows, does not listen at all). */
    final class Unanswered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unanswered(String message) {
            super(message, null, false, false);
        }
    }
}
