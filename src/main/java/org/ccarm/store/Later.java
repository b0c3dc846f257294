package org.ccarm.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Answers asked for later, given at once: what a store in this process does for its {@code ...Later} methods. */
public final class Later {

    private Later() {}

    /** {@code read}'s value as a completed stage, or its failure as a failed one (never thrown). */
    public static <T> CompletionStage<T> now(Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
