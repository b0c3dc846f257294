package org.ccarm.store;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Hand-overs within one process: what the in-memory store, which only instances in one
 * process can share, offers. A request to a name nobody serves here fails at once.
 */
public final class LocalHandovers implements Handovers {

    private final Map<String, Function<String, CompletionStage<String>>> served = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<String> send(String to, String request, long deadlineNanos) {
        Function<String, CompletionStage<String>> handler = served.get(to);
        if (handler == null) {
            return CompletableFuture.failedFuture(new Unanswered("no instance " + to + " is serving"));
        }
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        return handler.apply(request).toCompletableFuture().copy()
                .applyToEither(CompletableFuture.<String>supplyAsync(() -> {
                    throw new Unanswered("instance " + to + " did not answer in time");
                }, CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS)), reply -> reply);
    }

    @Override
    public void serve(String self, Function<String, CompletionStage<String>> handler) {
        served.put(self, handler);
    }

    @Override
    public void close() {
        served.clear();
    }
}
