package org.ccarm.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@link CallOwners} in memory, for the in-memory store: instances in one process (tests)
 * share it; the times to live run on {@link System#nanoTime}. Each method is atomic (one
 * lock), as the Redis scripts are.
 */
public final class InMemoryCallOwners implements CallOwners {

    private final Map<String, Long> aliveUntil = new HashMap<>(); // domain + " " + instance -> nanoTime
    private final Map<String, Map<String, Map<String, String>>> byDomain = new HashMap<>(); // domain, owner, id

    @Override
    public synchronized CompletionStage<Boolean> refresh(String domain, String instance, long ttlMillis) {
        long now = System.nanoTime();
        Long before = aliveUntil.put(domain + " " + instance, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        return CompletableFuture.completedFuture(before != null && before - now > 0);
    }

    @Override
    public synchronized CompletionStage<Void> gone(String domain, String instance) {
        aliveUntil.remove(domain + " " + instance);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> carried(String domain, String id, String instance, String dialogs) {
        byDomain.computeIfAbsent(domain, d -> new HashMap<>())
                .computeIfAbsent(instance, i -> new HashMap<>()).put(id, dialogs);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> ended(String domain, String id, String instance) {
        Map<String, String> calls = byDomain.getOrDefault(domain, Map.of()).get(instance);
        if (calls != null) {
            calls.remove(id);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Set<String>> owners(String domain) {
        return CompletableFuture.completedFuture(Set.copyOf(byDomain.getOrDefault(domain, Map.of()).keySet()));
    }

    @Override
    public synchronized CompletionStage<Set<String>> owned(String domain, String instance) {
        return CompletableFuture.completedFuture(Set.copyOf(byDomain.getOrDefault(domain, Map.of())
                .getOrDefault(instance, Map.of()).keySet()));
    }

    @Override
    public synchronized CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance) {
        Long until = aliveUntil.get(domain + " " + instance);
        if (until != null && until - System.nanoTime() > 0) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Map<String, String> calls = byDomain.getOrDefault(domain, new HashMap<>()).remove(instance);
        return CompletableFuture.completedFuture(Optional.ofNullable(calls).map(Map::copyOf));
    }
}
