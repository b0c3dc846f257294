package org.ccarm.bench.jmh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.InMemoryConversationStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The store's atomic transitions: one operation is a release and a hold of the same
 * conversation (so the store keeps its size), walking a store of {@code size}
 * conversations in a scattered order, so that a large store pays its cache misses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBenchmark {

    @Param({"1000", "1000000"})
    public int size;

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private ConversationKey[] keys;
    private final Transition release = new Transition.ReleaseHold(Optional.empty());
    private final Transition hold = new Transition.PlaceHold(Optional.of("1001"), Instant.parse("2026-11-25T13:03:39.123Z"));

    @State(Scope.Thread)
    public static class Cursor {
        long next;
    }

    @Setup(Level.Trial)
    public void fill() {
        keys = new ConversationKey[size];
        Optional<Hold> held = Optional.of(new Hold("1001", Instant.parse("2026-11-25T13:03:39.123Z")));
        for (int i = 0; i < size; i++) {
            Conversation c = Conversation.of("demo", String.format("%016x", i * 0x9E3779B97F4A7C15L), List.of("1001", "1002"), held);
            store.put(c);
            keys[i] = c.key();
        }
    }

    @Benchmark
    public TransitionResult releaseThenHold(Cursor cursor) {
        // a stride coprime with the size scatters consecutive operations over the table
        ConversationKey key = keys[(int) ((cursor.next++ * 7919) % size)];
        store.apply(key, release);
        return store.apply(key, hold);
    }
}
