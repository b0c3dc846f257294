package org.ccarm.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class MediaLockTest {

    @Test
    void oneChangeAtATimeTheNextStartsWhenTheFirstReleases() {
        MediaLock lock = new MediaLock();
        assertTrue(lock.acquire().toCompletableFuture().isDone());
        CompletableFuture<Void> second = lock.acquire().toCompletableFuture();
        assertFalse(second.isDone(), "queued, no thread waiting");
        assertFalse(lock.tryAcquire(), "a phone's change meanwhile is refused (491)");
        lock.release();
        assertTrue(second.isDone(), "passed on");
        assertFalse(lock.tryAcquire(), "still held, by the second");
        lock.release();
        assertTrue(lock.tryAcquire());
    }

    @Test
    void aWaiterThatGivesUpIsSkippedAndTheLockPassesToTheNext() throws Exception {
        MediaLock lock = new MediaLock();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            assertTrue(lock.acquire().toCompletableFuture().isDone());
            CompletableFuture<Void> impatient = lock.acquire(50, timers).toCompletableFuture();
            CompletableFuture<Void> patient = lock.acquire().toCompletableFuture();
            ExecutionException gaveUp = assertThrows(ExecutionException.class, () -> impatient.get(5, TimeUnit.SECONDS));
            assertTrue(gaveUp.getCause() instanceof TimeoutException, gaveUp.toString());
            lock.release();
            assertTrue(patient.isDone(), "the lock went to the one still waiting");
            lock.release();
            assertTrue(lock.tryAcquire(), "and is free after it");
        } finally {
            timers.shutdownNow();
        }
    }
}
