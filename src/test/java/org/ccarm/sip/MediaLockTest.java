package org.ccarm.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
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
}
