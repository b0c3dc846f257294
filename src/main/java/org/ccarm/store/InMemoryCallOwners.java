package org.ccarm.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link CallOwners} in memory, for the in-memory store: instances in one process (tests)
 * share it; the times to live run on {@link System#nanoTime}.
 */
public final class InMemoryCallOwners implements CallOwners {

    private final Map<String, Long> aliveUntil = new ConcurrentHashMap<>(); // nanoTime
    private final Map<String, Map<String, Map<String, String>>> byDomain = new ConcurrentHashMap<>(); // domain, owner, id

    @Override
    public CompletionStage<Boolean> refresh(String instance, long ttlMillis) {
        long now = System.nanoTime();
        Long before = aliveUntil.put(instance, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        return CompletableFuture.completedFuture(before != null && before - now > 0);
    }

    @Override
    public CompletionStage<Void> gone(String instance) {
        aliveUntil.remove(instance);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> isAlive(String instance) {
        Long until = aliveUntil.get(instance);
        return CompletableFuture.completedFuture(until != null && until - System.nanoTime() > 0);
    }

    @Override
    public CompletionStage<Void> carried(String domain, String id, String instance, String dialogs) {
        byDomain.computeIfAbsent(domain, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(instance, i -> new ConcurrentHashMap<>()).put(id, dialogs);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ended(String domain, String id, String instance) {
        Map<String, String> calls = byDomain.getOrDefault(domain, Map.of()).get(instance);
        if (calls != null) {
            calls.remove(id);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Set<String>> owners(String domain) {
        return CompletableFuture.completedFuture(Set.copyOf(byDomain.getOrDefault(domain, Map.of()).keySet()));
    }

    @Override
    public CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance) {
        Map<String, String> calls = byDomain.getOrDefault(domain, new ConcurrentHashMap<>()).remove(instance);
        return CompletableFuture.completedFuture(Optional.ofNullable(calls).map(Map::copyOf));
    }
}
