package org.ccarm.sip;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One media change at a time per call, without a thread waiting: a change that finds the
 * lock taken is queued and started when the one before it releases. A phone's own change
 * does not queue: it is answered 491 Request Pending when the lock is taken (RFC 3261 s14.2).
 */
final class MediaLock {

    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private boolean held;

    /** Completes when the caller holds the lock; the caller must {@link #release} it once. */
    synchronized CompletionStage<Void> acquire() {
        if (!held) {
            held = true;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> turn = new CompletableFuture<>();
        waiting.add(turn);
        return turn;
    }

    /**
     * {@link #acquire}, given up after {@code millis}: then the stage fails with a
     * {@link TimeoutException} and the lock is not taken (nothing to release).
     */
    CompletionStage<Void> acquire(long millis, ScheduledExecutorService timers) {
        CompletableFuture<Void> turn = acquire().toCompletableFuture();
        if (!turn.isDone()) {
            timers.schedule(() -> {
                synchronized (this) {
                    waiting.remove(turn);
                }
                turn.completeExceptionally(new TimeoutException("still busy after " + millis + " ms"));
            }, millis, TimeUnit.MILLISECONDS);
        }
        return turn;
    }

    /** Takes the lock when it is free; false at once when it is not. */
    synchronized boolean tryAcquire() {
        if (held) {
            return false;
        }
        held = true;
        return true;
    }

    void release() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    held = false;
                    return;
                }
            }
            if (next.complete(null)) {
                return; // the lock passed on, held throughout
            }
            // that one gave up waiting meanwhile: the next in line
        }
    }
}
