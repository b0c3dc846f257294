package org.ccarm.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;
import org.ccarm.events.LocalEventLog;

/**
 * The in-memory store's streams: per domain, a seq counter and a ring of the latest
 * events, both guarded by the domain's {@link DomainStream} lock. The store records an
 * event while it still holds the lock of the change (a slot, or the map's bin), so the
 * change and its event happen together; the lock order is always change, then stream.
 * A process's streams start empty with a new epoch: a restarted server's seqs begin again.
 */
final class InMemoryEventLog implements LocalEventLog {

    private final int retained;
    private final ConcurrentMap<String, DomainStream> streams = new ConcurrentHashMap<>();
    private final Function<String, Iterator<List<Conversation>>> conversations;
    // the tailing thread waits on this when there is nothing new; a change wakes it only while it waits
    private final Object signal = new Object();
    private volatile boolean tailWaiting;
    private volatile Consumer<String> recorded = domain -> { };

    InMemoryEventLog(int retained, Function<String, Iterator<List<Conversation>>> conversations) {
        if (retained < 1) {
            throw new IllegalArgumentException("a stream retains at least one event");
        }
        this.retained = retained;
        this.conversations = conversations;
    }

    /** Records {@code change} in its domain's stream; called under the lock of the change. */
    ConversationEvent record(ConversationEvent change) {
        DomainStream stream = stream(change.domain());
        ConversationEvent recorded;
        boolean wake;
        synchronized (stream) {
            recorded = stream.append(change);
            wake = tailWaiting; // read under the stream's lock: see next()
        }
        if (wake) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
        return recorded;
    }

    @Override
    public Position position(String domain) {
        DomainStream stream = stream(domain);
        synchronized (stream) {
            return new Position(stream.epoch, stream.lastSeq);
        }
    }

    @Override
    public Optional<List<ConversationEvent>> after(String domain, String epoch, long seq, int max) {
        DomainStream stream = stream(domain);
        synchronized (stream) {
            if (!stream.epoch.equals(epoch) || seq < 0 || seq > stream.lastSeq || stream.lastSeq - seq > retained) {
                return Optional.empty();
            }
            return Optional.of(stream.read(seq, max));
        }
    }

    @Override
    public void onRecorded(Consumer<String> listener) {
        this.recorded = listener;
    }

    /** After a change of the domain and its event, once the store released its locks: whoever listens may hand the event out. */
    void changed(String domain) {
        recorded.accept(domain);
    }

    @Override
    public long backlog(String domain, long position) {
        DomainStream stream = stream(domain);
        synchronized (stream) {
            return Math.max(0, stream.lastSeq - position);
        }
    }

    @Override
    public List<ConversationEvent> next(Map<String, Long> positions, int max, long waitMillis) throws InterruptedException {
        if (waitMillis <= 0) {
            return newer(positions, max);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            List<ConversationEvent> events = newer(positions, max);
            if (!events.isEmpty()) {
                return events;
            }
            synchronized (signal) {
                // set before looking again: a change recorded after the look sees the flag and wakes us
                tailWaiting = true;
                try {
                    events = newer(positions, max);
                    long left = deadline - System.nanoTime();
                    if (!events.isEmpty() || left <= 0) {
                        return events;
                    }
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } finally {
                    tailWaiting = false;
                }
            }
        }
    }

    /**
     * What is after each position; a position the ring no longer reaches gets the oldest
     * retained events, and the gap shows in their seqs.
     */
    private List<ConversationEvent> newer(Map<String, Long> positions, int max) {
        List<ConversationEvent> events = new ArrayList<>();
        for (Map.Entry<String, Long> position : positions.entrySet()) {
            DomainStream stream = stream(position.getKey());
            synchronized (stream) {
                long from = Math.max(position.getValue(), stream.lastSeq - retained);
                if (from < stream.lastSeq) {
                    events.addAll(stream.read(from, max - events.size()));
                }
            }
            if (events.size() >= max) {
                break;
            }
        }
        return events;
    }

    @Override
    public Iterator<List<Conversation>> snapshot(String domain) {
        return conversations.apply(domain);
    }

    private DomainStream stream(String domain) {
        return streams.computeIfAbsent(domain, DomainStream::new);
    }

    /** One domain's stream; every field guarded by the object's own lock. */
    private final class DomainStream {
        final String epoch = EventLog.newEpoch();
        final ConversationEvent[] ring = new ConversationEvent[retained];
        long lastSeq;

        DomainStream(String domain) {
            // one per domain, made on first use (computeIfAbsent hands it the name)
        }

        ConversationEvent append(ConversationEvent change) {
            ConversationEvent recorded = change.recordedAt(epoch, ++lastSeq);
            ring[(int) (lastSeq % retained)] = recorded;
            return recorded;
        }

        /** The events after {@code seq}, which the ring still holds, up to {@code max}. */
        List<ConversationEvent> read(long seq, int max) {
            int count = (int) Math.min(max, lastSeq - seq);
            List<ConversationEvent> events = new ArrayList<>(Math.max(count, 0));
            for (long s = seq + 1; s <= seq + count; s++) {
                events.add(ring[(int) (s % retained)]);
            }
            return events;
        }
    }

    /** Batches of {@code size} out of an iterator of conversations, for the snapshots. */
    static Iterator<List<Conversation>> batches(Iterator<Conversation> conversations, int size) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return conversations.hasNext();
            }

            @Override
            public List<Conversation> next() {
                if (!conversations.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Conversation> batch = new ArrayList<>(size);
                while (batch.size() < size && conversations.hasNext()) {
                    batch.add(conversations.next());
                }
                return batch;
            }
        };
    }
}
