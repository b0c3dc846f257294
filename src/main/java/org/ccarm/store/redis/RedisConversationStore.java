package org.ccarm.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.StoreUnavailableException;

/**
 * Conversations in Redis, shared by every server instance that points at it.
 *
 * <p>A transition reads the conversation (one round trip), lets the domain's
 * {@link Transition} decide in Java, and records the result with a compare-and-set on
 * the version it read (a second round trip); when another instance changed the
 * conversation meanwhile, it reads again and decides again. So the rules live once, in
 * the domain, and of any number of concurrent transitions of one conversation, sent to
 * any instances, each sees the state the previous one left.
 *
 * <p>Every operation has a budget ({@code store.timeout-ms}) for all its round trips
 * together. Lettuce is set up to fail fast rather than wait: a command sent while the
 * connection is down is rejected at once (its default would queue it until Redis comes
 * back, and the request would hang), and the client reconnects by itself, backing off
 * at most a second between attempts.
 */
public final class RedisConversationStore implements ConversationStore {

    /** How to reach Redis and how long to wait for it. */
    public record Settings(String url, String prefix, Duration timeout, int waitReplicas) {}

    private static final String NOT_HELD = "";

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final long timeoutNanos;
    private final int waitReplicas;

    private RedisConversationStore(ClientResources resources, RedisClient client,
                                   StatefulRedisConnection<String, String> connection, Settings settings) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.keys = new RedisKeys(settings.prefix());
        this.timeoutNanos = settings.timeout().toNanos();
        this.waitReplicas = settings.waitReplicas();
    }

    /** Connects (a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL); fails when Redis cannot be reached now. */
    public static RedisConversationStore connect(Settings settings) {
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.timeout());
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(100_000)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()) // the budget is kept by await()
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .protocolVersion(ProtocolVersion.RESP2)
                .build());
        try {
            return new RedisConversationStore(resources, client, client.connect(), settings);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new StoreUnavailableException("cannot reach Redis at " + uri.toURI() + ": " + e.getMessage(), false, e);
        }
    }

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        return read(key, deadline());
    }

    private Optional<Conversation> read(ConversationKey key, long deadline) {
        return StoredFields.conversation(key, await(redis.hgetall(keys.conversation(key)), deadline, false));
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        long deadline = deadline();
        while (true) {
            Optional<Conversation> current = read(key, deadline);
            if (current.isEmpty()) {
                return TransitionResult.noSuchConversation(key);
            }
            TransitionResult result = transition.applyTo(current.get());
            if (!(result instanceof TransitionResult.Applied applied)) {
                return result;
            }
            Conversation after = applied.after();
            Optional<Hold> hold = after.hold();
            Long recorded = script(Scripts.COMPARE_AND_SET, ScriptOutputType.INTEGER, deadline,
                    new String[] {keys.conversation(key)},
                    Long.toString(current.get().version()), Long.toString(after.version()),
                    hold.map(Hold::heldBy).orElse(NOT_HELD), hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse(""));
            if (recorded == 1) {
                replicated(deadline);
                return result;
            }
            // another instance changed the conversation since it was read: decide again on what is there now
        }
    }

    @Override
    public Put put(Conversation conversation) {
        long deadline = deadline();
        Optional<Hold> hold = conversation.hold();
        List<Long> result = script(Scripts.PUT, ScriptOutputType.MULTI, deadline,
                new String[] {keys.conversation(conversation.key())}, StoredFields.operators(conversation.operators()),
                hold.map(Hold::heldBy).orElse(NOT_HELD), hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse(""));
        replicated(deadline);
        long version = result.get(1);
        return new Put(result.get(0) == 1, Conversation.of(conversation.domain(), conversation.id(),
                conversation.operators(), hold, version));
    }

    @Override
    public OptionalLong remove(ConversationKey key) {
        long deadline = deadline();
        Long version = script(Scripts.REMOVE, ScriptOutputType.INTEGER, deadline, new String[] {keys.conversation(key)});
        if (version < 0) {
            return OptionalLong.empty();
        }
        replicated(deadline);
        return OptionalLong.of(version);
    }

    @Override
    public int loadFixtureOnce(String domain, List<Conversation> conversations) {
        List<String> keyList = new ArrayList<>();
        List<String> args = new ArrayList<>();
        keyList.add(keys.fixtureLoaded(domain));
        for (Conversation conversation : conversations) {
            keyList.add(keys.conversation(conversation.key()));
            Optional<Hold> hold = conversation.hold();
            args.add(StoredFields.operators(conversation.operators()));
            args.add(hold.map(Hold::heldBy).orElse(NOT_HELD));
            args.add(hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse(""));
        }
        // a fixture may be large: give its one script ten times a command's budget
        long deadline = System.nanoTime() + 10 * timeoutNanos;
        Long loaded = script(Scripts.LOAD_FIXTURE_ONCE, ScriptOutputType.INTEGER, deadline,
                keyList.toArray(String[]::new), args.toArray(String[]::new));
        return loaded.intValue();
    }

    @Override
    public boolean isReachable() {
        try {
            return "PONG".equals(await(redis.ping(), deadline(), false));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        resources.shutdown();
    }

    private long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    /** With {@code store.redis.wait-replicas}, a change counts once that many replicas have it. */
    private void replicated(long deadline) {
        if (waitReplicas <= 0) {
            return;
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Long acknowledged = await(redis.waitForReplication(waitReplicas, millis), deadline + TimeUnit.MILLISECONDS.toNanos(50), true);
        if (acknowledged < waitReplicas) {
            throw new StoreUnavailableException("the change was made on the primary, but only " + acknowledged
                    + " of " + waitReplicas + " replicas confirmed it in time", true, null);
        }
    }

    /** Runs a script by its digest, loading it when Redis does not know it (after a restart or a failover). */
    private <T> T script(String script, ScriptOutputType type, long deadline, String[] scriptKeys, String... args) {
        try {
            return await(redis.<T>evalsha(Sha1.of(script), type, scriptKeys, args), deadline, true);
        } catch (NoScript e) {
            return await(redis.<T>eval(script, type, scriptKeys, args), deadline, true);
        }
    }

    private static final class NoScript extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoScript() {
            super(null, null, false, false);
        }
    }

    /** The reply, within the deadline; what went wrong as {@link StoreUnavailableException}. */
    private static <T> T await(RedisFuture<T> future, long deadline, boolean write) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreUnavailableException("Redis did not answer in time", write, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Redis", write, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), write);
        }
    }

    private static RuntimeException failure(Throwable cause, boolean write) {
        if (cause instanceof RedisNoScriptException) {
            return new NoScript();
        }
        if (cause instanceof RedisCommandTimeoutException) {
            return new StoreUnavailableException("Redis did not answer in time", write, cause);
        }
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandExecutionException) {
            // Redis answered: a replica after a failover (READONLY), still loading its data, out of memory
            if (message.startsWith("READONLY") || message.startsWith("LOADING") || message.startsWith("MASTERDOWN")
                    || message.startsWith("OOM") || message.startsWith("BUSY")) {
                return new StoreUnavailableException("Redis refused the command: " + message, false, cause);
            }
            return new IllegalStateException("Redis answered an error: " + message, cause);
        }
        // not connected: rejected before it was sent; or the connection broke with the command in flight
        boolean rejected = message.contains("rejected") || message.contains("not connected");
        return new StoreUnavailableException("Redis cannot be reached: " + message, write && !rejected, cause);
    }

    /** The SHA-1 digest Redis names a script by. */
    private static final class Sha1 {
        private static final java.util.Map<String, String> DIGESTS = new java.util.concurrent.ConcurrentHashMap<>();

        static String of(String script) {
            return DIGESTS.computeIfAbsent(script, s -> {
                try {
                    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every JVM has SHA-1", e);
                }
            });
        }
    }
}
