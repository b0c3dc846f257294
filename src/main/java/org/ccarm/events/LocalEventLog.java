package org.ccarm.events;

import java.util.Map;

/**
 * A log kept in this process (the in-memory store's): the thread that made a change can
 * hand its event out itself, right after the change, with no thread between it and the
 * subscribers. Without that, one thread handing out every event of a busy server falls
 * behind the threads making the changes (it gets one thread's share of the CPU).
 */
public interface LocalEventLog extends EventLog {

    /** How many events the log has after these positions (domain to last seq seen), over all their domains. */
    long backlog(Map<String, Long> positions);

    /** {@code listener} runs after each change, on the changing thread, once the store's locks are released. */
    void onRecorded(Runnable listener);
}
