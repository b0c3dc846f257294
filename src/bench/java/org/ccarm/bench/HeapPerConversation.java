package org.ccarm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.Hold;
import org.ccarm.store.InMemoryConversationStore;

/**
 * The heap a store of N conversations needs: used heap after full collections, with
 * and without the store. Half the conversations are held, ids are 16 characters like
 * the vendor's, and each has two operators.
 *
 * <pre>java -cp ... org.ccarm.bench.HeapPerConversation N</pre>
 *
 * prints {@code conversations=N heap_mib=... bytes_per_conversation=...}.
 */
public final class HeapPerConversation {

    private HeapPerConversation() {}

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        InMemoryConversationStore store = fill(n);
        long after = usedAfterGc(memory);
        long bytes = after - before;
        System.out.printf("conversations=%d heap_mib=%.1f bytes_per_conversation=%d%n",
                store.size(), bytes / (1024.0 * 1024.0), bytes / n);
    }

    static InMemoryConversationStore fill(int n) {
        InMemoryConversationStore store = new InMemoryConversationStore();
        List<String> operators = List.of("1001", "1002");
        Optional<Hold> held = Optional.of(new Hold("1001", Instant.parse("2026-11-25T13:03:39.123Z")));
        for (int i = 0; i < n; i++) {
            store.put(Conversation.of("demo", String.format("%016x", i * 0x9E3779B97F4A7C15L), operators,
                    i % 2 == 0 ? held : Optional.empty()));
        }
        return store;
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
