package org.ccarm.events;

import java.util.function.Consumer;

/**
 * A log kept in this process (the in-memory store's): the thread that made a change can
 * hand its event out itself, right after the change, with no thread between it and the
 * subscribers. Without that, one thread handing out every event of a busy server falls
 * behind the threads making the changes (it gets one thread's share of the CPU).
 */
public interface LocalEventLog extends EventLog {

    /** How many events the domain's stream has after {@code position} (the last seq seen). */
    long backlog(String domain, long position);

    /**
     * {@code listener} runs after each change with the change's domain, on the changing
     * thread, once the store's locks are released.
     */
    void onRecorded(Consumer<String> listener);
}
