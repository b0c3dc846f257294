package org.ccarm.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Operators, sessions and failure counts in this process's memory: the embedded default,
 * for one instance. Sessions die with the process, which is what a restart of a single
 * server should do anyway.
 */
public final class InMemoryAuthStore implements AuthStore {

    private record Key(String domain, String id) {}

    /** A session with the instant it was last used, replaced as a whole on every touch. */
    private record Alive(Session session, Instant lastUsed) {}

    private record Window(long count, Instant ends) {}

    private final Map<Key, Operator> operators = new ConcurrentHashMap<>();
    private final Map<Key, Alive> sessions = new ConcurrentHashMap<>(); // by token hash
    private final Map<Key, Window> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> loaded = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Key, Map<String, Binding>> bindings = new ConcurrentHashMap<>(); // by contact

    // operators and session creation change together under this store's lock, so that a
    // session is never created for an operator that has just been deleted or re-passworded
    @Override
    public synchronized boolean putOperator(Operator operator) {
        bindings.remove(new Key(operator.domain(), operator.id())); // a new password: its phones register again
        return operators.put(new Key(operator.domain(), operator.id()), operator) == null;
    }

    @Override
    public Optional<Operator> operator(String domain, String id) {
        return Optional.ofNullable(operators.get(new Key(domain, id)));
    }

    @Override
    public synchronized boolean deleteOperator(String domain, String id) {
        bindings.remove(new Key(domain, id));
        return operators.remove(new Key(domain, id)) != null;
    }

    @Override
    public int loadOperatorsOnce(String domain, List<Operator> list) {
        if (loaded.putIfAbsent(domain, Boolean.TRUE) != null) {
            return -1;
        }
        list.forEach(this::putOperator);
        return list.size();
    }

    @Override
    public CompletionStage<List<Binding>> registerLater(String domain, String operatorId, List<Binding> add,
                                                        List<String> remove, boolean removeAll, Instant now) {
        Map<String, Binding> live = bindings.compute(new Key(domain, operatorId), (key, current) -> {
            Map<String, Binding> next = current == null || removeAll ? new HashMap<>() : new HashMap<>(current);
            remove.forEach(next::remove);
            add.forEach(binding -> next.put(binding.contact(), binding));
            next.values().removeIf(binding -> !binding.expires().isAfter(now));
            next.values().stream().sorted(Comparator.comparing(Binding::registered).reversed()).skip(MAX_BINDINGS)
                    .toList().forEach(old -> next.remove(old.contact()));
            return next.isEmpty() ? null : Map.copyOf(next);
        });
        return CompletableFuture.completedFuture(live == null ? List.of() : live.values().stream()
                .sorted(Comparator.comparing(Binding::registered).reversed()).toList());
    }

    @Override
    public boolean directoryLoaded(String domain) {
        return loaded.containsKey(domain);
    }

    @Override
    public synchronized boolean createSession(Session session, Duration idle, String checkedHash) {
        Operator operator = operators.get(new Key(session.domain(), session.operatorId()));
        if (operator == null || !operator.passwordHash().equals(checkedHash)) {
            return false;
        }
        sessions.put(new Key(session.domain(), session.tokenHash()), new Alive(session, session.created()));
        return true;
    }

    @Override
    public Optional<Session> touchSession(String domain, String tokenHash, Instant now, Duration idle) {
        Alive alive = sessions.computeIfPresent(new Key(domain, tokenHash),
                (key, current) -> isAlive(current, now, idle) ? new Alive(current.session(), now) : null);
        return alive == null ? Optional.empty() : Optional.of(alive.session());
    }

    @Override
    public Optional<Session> findSession(String domain, String tokenHash, Instant now, Duration idle) {
        Alive alive = sessions.get(new Key(domain, tokenHash));
        return alive != null && isAlive(alive, now, idle) ? Optional.of(alive.session()) : Optional.empty();
    }

    private static boolean isAlive(Alive alive, Instant now, Duration idle) {
        return now.isBefore(alive.session().expires()) && now.isBefore(alive.lastUsed().plus(idle));
    }

    @Override
    public boolean endSession(String domain, String tokenHash) {
        boolean ended = sessions.remove(new Key(domain, tokenHash)) != null;
        if (ended) {
            listeners.forEach(listener -> listener.accept(tokenHash));
        }
        return ended;
    }

    @Override
    public synchronized List<String> endSessionsOf(String domain, String operatorId) {
        List<String> ended = new ArrayList<>();
        sessions.forEach((key, alive) -> {
            if (key.domain().equals(domain) && alive.session().operatorId().equals(operatorId)
                    && sessions.remove(key) != null) {
                ended.add(key.id());
            }
        });
        ended.forEach(hash -> listeners.forEach(listener -> listener.accept(hash)));
        return ended;
    }

    @Override
    public List<Attempts> failures(String domain, List<String> counters) {
        Instant now = Instant.now();
        List<Attempts> counted = new ArrayList<>(counters.size());
        for (String counter : counters) {
            Window window = failures.get(new Key(domain, counter));
            counted.add(window == null || !now.isBefore(window.ends()) ? new Attempts(0, 0)
                    : new Attempts(window.count(), Duration.between(now, window.ends()).toMillis()));
        }
        return counted;
    }

    @Override
    public List<Attempts> countFailure(String domain, List<String> counters, Duration window) {
        Instant now = Instant.now();
        List<Attempts> counted = new ArrayList<>(counters.size());
        for (String counter : counters) {
            Window current = failures.compute(new Key(domain, counter), (key, old) -> old == null || !now.isBefore(old.ends())
                    ? new Window(1, now.plus(window)) : new Window(old.count() + 1, old.ends()));
            counted.add(new Attempts(current.count(), Duration.between(now, current.ends()).toMillis()));
        }
        return counted;
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    @Override
    public void purgeExpired(Instant now, Duration idle) {
        sessions.values().removeIf(alive -> !isAlive(alive, now, idle));
        failures.values().removeIf(window -> !now.isBefore(window.ends()));
    }

    @Override
    public void onSessionEnded(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
