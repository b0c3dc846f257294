package org.ccarm.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.ccarm.auth.AuthStore;
import org.ccarm.auth.Binding;
import org.ccarm.auth.Operator;
import org.ccarm.auth.Session;
import org.ccarm.store.StoreUnavailableException;

/**
 * Operators, sessions and failure counts in Redis, shared by every instance: a session
 * opened on one is accepted by all, and a logout on one is a logout on all. A session is
 * a hash that expires by itself after the idle time (each use pushes the expiry out, never
 * past the absolute end); an ended session is announced on a channel every instance
 * listens to, so each closes the websockets it holds for it.
 */
public final class RedisAuthStore implements AuthStore {

    private final RedisLink link;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    private RedisAuthStore(RedisLink link, String prefix) {
        this.link = link;
        this.redis = link.commands();
        this.keys = new RedisKeys(prefix);
        this.events = link.connectPubSub();
        events.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String tokenHash) {
                listeners.forEach(listener -> listener.accept(tokenHash));
            }
        });
        RedisLink.await(events.async().subscribe(keys.sessionEndedChannel()), link.deadline(), false);
    }

    /** Connects with the conversation store's settings (its own connections: one for commands, one to listen). */
    public static RedisAuthStore connect(RedisConversationStore.Settings settings) {
        RedisLink link = RedisLink.connect(settings.url(), settings.timeout());
        try {
            return new RedisAuthStore(link, settings.prefix());
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    @Override
    public boolean putOperator(Operator operator) {
        // a new password: its phones register again
        RedisLink.await(redis.del(keys.registrations(operator.domain(), operator.id())), link.deadline(), true);
        long created = RedisLink.await(redis.hset(keys.operator(operator.domain(), operator.id()),
                Map.of("h", operator.passwordHash(), "s", operator.supervisor() ? "1" : "0")), link.deadline(), true);
        return created > 0;
    }

    /**
     * The operator, read with its directory's flag in one script: when Redis has lost its
     * data and the directory is not back yet, no operator is "unknown" (that would call a
     * right password wrong): the store is unavailable instead, until the fixtures are loaded
     * again. Read atomically, so neither a flush nor the reload can slip between the two.
     */
    @Override
    public Optional<Operator> operator(String domain, String id) {
        return operatorFrom(domain, id, link.script(AuthScripts.OPERATOR, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.operatorsLoaded(domain), keys.operator(domain, id)}));
    }

    @Override
    public CompletionStage<Optional<Operator>> operatorLater(String domain, String id) {
        return link.<List<String>>scriptLater(AuthScripts.OPERATOR, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.operatorsLoaded(domain), keys.operator(domain, id)})
                .thenApply(read -> operatorFrom(domain, id, read));
    }

    /** The operator {@link AuthScripts#OPERATOR} read; a directory lost with Redis's data is unavailable, not empty. */
    private static Optional<Operator> operatorFrom(String domain, String id, List<String> read) {
        if (read.get(0).equals("lost")) {
            throw new StoreUnavailableException("the operator directory of " + domain + " is being restored", false, null);
        }
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i + 1 < read.size(); i += 2) {
            fields.put(read.get(i), read.get(i + 1));
        }
        if (!fields.containsKey("h")) {
            return Optional.empty();
        }
        return Optional.of(new Operator(domain, id, fields.get("h"), "1".equals(fields.get("s"))));
    }

    @Override
    public boolean deleteOperator(String domain, String id) {
        return RedisLink.await(redis.del(keys.operator(domain, id), keys.registrations(domain, id)), link.deadline(), true) > 0;
    }

    @Override
    public int loadOperatorsOnce(String domain, List<Operator> operators) {
        List<String> keyList = new ArrayList<>();
        List<String> args = new ArrayList<>();
        keyList.add(keys.operatorsLoaded(domain));
        for (Operator operator : operators) {
            keyList.add(keys.operator(domain, operator.id()));
            args.add(operator.passwordHash());
            args.add(operator.supervisor() ? "1" : "0");
        }
        Long loaded = link.script(AuthScripts.LOAD_OPERATORS_ONCE, ScriptOutputType.INTEGER,
                System.nanoTime() + 10 * link.timeoutNanos(), keyList.toArray(String[]::new), args.toArray(String[]::new));
        return loaded.intValue();
    }

    @Override
    public CompletionStage<List<Binding>> registerLater(String domain, String operatorId, List<Binding> add,
                                                        List<String> remove, boolean removeAll, Instant now) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(now.toEpochMilli()));
        args.add(removeAll ? "1" : "0");
        args.add(Integer.toString(remove.size()));
        args.addAll(remove);
        for (Binding binding : add) {
            args.add(binding.contact());
            args.add(Long.toString(binding.expires().toEpochMilli()));
            args.add(Long.toString(binding.registered().toEpochMilli()));
        }
        args.add(Integer.toString(MAX_BINDINGS));
        return link.<List<String>>scriptLater(AuthScripts.REGISTER, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.registrations(domain, operatorId)}, args.toArray(String[]::new)).thenApply(live -> {
                    List<Binding> bindings = new ArrayList<>();
                    for (int i = 0; i + 1 < live.size(); i += 2) {
                        String[] times = live.get(i + 1).split(":");
                        bindings.add(new Binding(live.get(i), Instant.ofEpochMilli(Long.parseLong(times[0])),
                                Instant.ofEpochMilli(Long.parseLong(times[1]))));
                    }
                    bindings.sort(Comparator.comparing(Binding::registered).reversed());
                    return bindings;
                });
    }

    @Override
    public boolean directoryLoaded(String domain) {
        return RedisLink.await(redis.exists(keys.operatorsLoaded(domain)), link.deadline(), false) > 0;
    }

    @Override
    public boolean createSession(Session session, Duration idle, String checkedHash) {
        Long created = link.script(AuthScripts.CREATE_SESSION, ScriptOutputType.INTEGER, link.deadline(),
                new String[] {keys.session(session.domain(), session.tokenHash()),
                              keys.operatorSessions(session.domain(), session.operatorId()),
                              keys.operator(session.domain(), session.operatorId())},
                session.operatorId(), session.supervisor() ? "1" : "0",
                Long.toString(session.created().toEpochMilli()), Long.toString(session.expires().toEpochMilli()),
                Long.toString(idle.toMillis()), session.tokenHash(), checkedHash);
        return created == 1;
    }

    @Override
    public Optional<Session> touchSession(String domain, String tokenHash, Instant now, Duration idle) {
        return session(domain, tokenHash, now, idle, true);
    }

    @Override
    public Optional<Session> findSession(String domain, String tokenHash, Instant now, Duration idle) {
        return session(domain, tokenHash, now, idle, false);
    }

    @Override
    public CompletionStage<Optional<Session>> touchSessionLater(String domain, String tokenHash, Instant now,
                                                                Duration idle) {
        return sessionLater(domain, tokenHash, now, idle, true);
    }

    @Override
    public CompletionStage<Optional<Session>> findSessionLater(String domain, String tokenHash, Instant now,
                                                               Duration idle) {
        return sessionLater(domain, tokenHash, now, idle, false);
    }

    private CompletionStage<Optional<Session>> sessionLater(String domain, String tokenHash, Instant now, Duration idle,
                                                            boolean touch) {
        return link.<List<String>>scriptLater(AuthScripts.TOUCH_SESSION, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.session(domain, tokenHash)}, sessionArgs(now, idle, touch))
                .thenApply(fields -> session(domain, tokenHash, fields));
    }

    private Optional<Session> session(String domain, String tokenHash, Instant now, Duration idle, boolean touch) {
        return session(domain, tokenHash, link.<List<String>>script(AuthScripts.TOUCH_SESSION, ScriptOutputType.MULTI,
                link.deadline(), new String[] {keys.session(domain, tokenHash)}, sessionArgs(now, idle, touch)));
    }

    private static String[] sessionArgs(Instant now, Duration idle, boolean touch) {
        return new String[] {Long.toString(now.toEpochMilli()), Long.toString(idle.toMillis()), touch ? "1" : "0"};
    }

    /** A session from what {@link AuthScripts#TOUCH_SESSION} answered; empty when it found none alive. */
    private static Optional<Session> session(String domain, String tokenHash, List<String> fields) {
        if (fields == null || fields.isEmpty() || fields.get(0) == null) {
            return Optional.empty();
        }
        return Optional.of(new Session(domain, fields.get(0), "1".equals(fields.get(1)), tokenHash,
                Instant.ofEpochMilli(Long.parseLong(fields.get(2))), Instant.ofEpochMilli(Long.parseLong(fields.get(3)))));
    }

    /** Reads whose session it is, then ends it if it still is: the script declares every key it touches. */
    @Override
    public boolean endSession(String domain, String tokenHash) {
        return RedisLink.join(endSessionLater(domain, tokenHash)); // bounded: each step has the deadline
    }

    /** Reads whose session it is, then ends it with the script, chained on Redis's replies. */
    @Override
    public CompletionStage<Boolean> endSessionLater(String domain, String tokenHash) {
        long deadline = link.deadline();
        String session = keys.session(domain, tokenHash);
        return RedisLink.later(redis.hget(session, "o"), deadline, false).thenCompose(operator -> operator == null
                ? CompletableFuture.completedFuture(false)
                : link.<Long>scriptLater(AuthScripts.END_SESSION, ScriptOutputType.INTEGER, deadline,
                        new String[] {session, keys.operatorSessions(domain, operator)},
                        operator, tokenHash, keys.sessionEndedChannel()).thenApply(ended -> ended == 1));
    }

    /**
     * Reads the operator's sessions, then ends those still alive. A login racing with this
     * cannot slip a session in for the old password: creating one checks the operator's
     * hash (and the caller changed or deleted the operator first).
     */
    @Override
    public List<String> endSessionsOf(String domain, String operatorId) {
        long deadline = link.deadline();
        String set = keys.operatorSessions(domain, operatorId);
        Set<String> hashes = RedisLink.await(redis.smembers(set), deadline, false);
        if (hashes == null || hashes.isEmpty()) {
            return List.of();
        }
        List<String> scriptKeys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        scriptKeys.add(set);
        args.add(keys.sessionEndedChannel());
        for (String hash : hashes) {
            scriptKeys.add(keys.session(domain, hash));
            args.add(hash);
        }
        List<String> ended = link.script(AuthScripts.END_SESSIONS, ScriptOutputType.MULTI, deadline,
                scriptKeys.toArray(String[]::new), args.toArray(String[]::new));
        return ended == null ? List.of() : List.copyOf(ended);
    }

    @Override
    public List<Attempts> failures(String domain, List<String> counters) {
        return attempts(link.script(AuthScripts.FAILURES, ScriptOutputType.MULTI, link.deadline(),
                counters.stream().map(counter -> keys.failures(domain, counter)).toArray(String[]::new)));
    }

    @Override
    public CompletionStage<List<Attempts>> failuresLater(String domain, List<String> counters) {
        return link.<List<Long>>scriptLater(AuthScripts.FAILURES, ScriptOutputType.MULTI, link.deadline(),
                counters.stream().map(counter -> keys.failures(domain, counter)).toArray(String[]::new))
                .thenApply(RedisAuthStore::attempts);
    }

    @Override
    public List<Attempts> countFailure(String domain, List<String> counters, Duration window) {
        return attempts(link.script(AuthScripts.COUNT_FAILURE, ScriptOutputType.MULTI, link.deadline(),
                counters.stream().map(counter -> keys.failures(domain, counter)).toArray(String[]::new),
                Long.toString(window.toMillis())));
    }

    /** {count, ms left} pairs, flattened, as the scripts answer them. */
    private static List<Attempts> attempts(List<Long> flat) {
        List<Attempts> attempts = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            attempts.add(new Attempts(flat.get(i), Math.max(0, flat.get(i + 1))));
        }
        return attempts;
    }

    @Override
    public boolean isReachable() {
        return link.isReachable();
    }

    @Override
    public void purgeExpired(Instant now, Duration idle) {
        // sessions and counters expire in Redis by themselves
    }

    @Override
    public void onSessionEnded(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        events.close();
        link.close();
    }
}
