package org.ccarm.store;

import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The store could not be reached, or did not answer within its budget. When a write
 * had been sent and its reply was lost, the store cannot know whether the change was
 * made: {@link #outcomeUnknown()} says so, and a retry gets the honest answer.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    public StoreUnavailableException(String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause, false, false); // expected while the store is down: no stack to fill
        this.outcomeUnknown = outcomeUnknown;
    }

    /** What a failed stage failed of: its cause when the stage wrapped it, else the failure itself. */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The store's unavailability a failed stage failed of, if that is what it failed of. */
    public static Optional<StoreUnavailableException> in(Throwable failure) {
        return unwrap(failure) instanceof StoreUnavailableException e ? Optional.of(e) : Optional.empty();
    }

    /** True when a change had been sent and may or may not have been made. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
