package org.ccarm.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling, up to a generous bound; fails when it does not come. */
public final class Await {

    private Await() {}

    /** Within ten seconds. */
    public static void until(BooleanSupplier condition, String what) {
        until(condition, Duration.ofSeconds(10), what);
    }

    public static void until(BooleanSupplier condition, Duration atMost, String what) {
        long deadline = System.nanoTime() + atMost.toNanos();
        long pause = 1_000_000; // 1 ms, doubling up to 50 ms
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + atMost + ": " + what);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 50_000_000);
        }
    }
}
