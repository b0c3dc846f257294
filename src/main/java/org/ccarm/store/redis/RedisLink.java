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
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.ccarm.store.StoreUnavailableException;

/**
 * One connection to Redis, set up the way every store here needs it, and the one place
 * that turns Redis's failures into {@link StoreUnavailableException}.
 *
 * <p>Lettuce is set up to fail fast rather than wait: a command sent while the
 * connection is down is rejected at once (its default would queue it until Redis comes
 * back, and the request would hang), and the client reconnects by itself, backing off
 * at most a second between attempts. Lettuce's own per-command timeout is off: the
 * budget of an operation as a whole ({@code store.timeout-ms}) is kept by
 * {@link #await}.
 */
final class RedisLink implements AutoCloseable {

    /** The scheme of a Redis Cluster's seed nodes: {@code redis-cluster://host:port,host:port,...}. */
    static final String CLUSTER_SCHEME = "redis-cluster://";

    private final Clients clients;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final long timeoutNanos;

    /** What a standalone (or Sentinel) client and a cluster client both give this link. */
    private record Clients(Supplier<StatefulConnection<String, String>> connector,
                           Function<StatefulConnection<String, String>, RedisClusterAsyncCommands<String, String>> commands,
                           Supplier<StatefulRedisPubSubConnection<String, String>> pubSub, Runnable shutdown) {
        StatefulConnection<String, String> connect() {
            return connector.get();
        }

        RedisClusterAsyncCommands<String, String> async(StatefulConnection<String, String> connection) {
            return commands.apply(connection);
        }

        StatefulRedisPubSubConnection<String, String> connectPubSub() {
            return pubSub.get();
        }
    }

    private RedisLink(Clients clients, Duration timeout) {
        this.clients = clients;
        this.connection = clients.connect();
        this.commands = clients.async(connection);
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * Connects (a {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or
     * {@code redis-cluster://} URL); fails when Redis cannot be reached now.
     */
    static RedisLink connect(String url, Duration timeout) {
        ClientResources resources = SharedResources.acquire();
        Clients clients = null;
        try {
            clients = url.startsWith(CLUSTER_SCHEME) ? cluster(resources, url, timeout) : standalone(resources, url, timeout);
            return new RedisLink(clients, timeout);
        } catch (RuntimeException e) {
            if (clients != null) {
                clients.shutdown().run();
            }
            SharedResources.release();
            throw new StoreUnavailableException("cannot reach Redis at " + url.replaceAll("//[^@/]*@", "//") + ": "
                    + e.getMessage(), false, e);
        }
    }

    /**
     * One server, or the primary Sentinel names. Lettuce is set up to fail fast: a command
     * sent while disconnected is rejected at once, and the client reconnects by itself.
     */
    private static Clients standalone(ClientResources resources, String url, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(100_000)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()) // the budget is kept by await()
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .protocolVersion(ProtocolVersion.RESP2)
                .build());
        return new Clients(client::connect, connection -> ((StatefulRedisConnection<String, String>) connection).async(),
                client::connectPubSub, client::shutdown);
    }

    /**
     * A Redis Cluster from its seed nodes ({@code redis-cluster://h1:p1,h2:p2}): the same
     * fail-fast options, and the topology refreshed every 30 s and at once on MOVED, ASK, a
     * node it does not know or persistent reconnects. Every key of a domain shares the hash
     * tag {@code {domain}}, so a domain's scripts run on one shard.
     */
    private static Clients cluster(ClientResources resources, String url, Duration timeout) {
        List<RedisURI> seeds = new ArrayList<>();
        for (String node : url.substring(CLUSTER_SCHEME.length()).split(",")) {
            RedisURI seed = RedisURI.create("redis://" + node.strip());
            seed.setTimeout(timeout);
            seeds.add(seed);
        }
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder();
        // accepted while disconnected (not rejected): a cluster connects to each node on first use, and
        // rejecting would refuse the first commands of every node; the operation's deadline bounds the wait
        options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .requestQueueSize(100_000)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .protocolVersion(ProtocolVersion.RESP2);
        // adaptive refresh (MOVED, ASK, unknown nodes, persistent reconnects) is on by default in Lettuce 7
        options.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(Duration.ofSeconds(30))
                .build());
        options.maintNotificationsConfig(MaintNotificationsConfig.disabled()); // (not overridden by the cluster builder)
        client.setOptions(options.build());
        return new Clients(() -> connectEveryMaster(client),
                connection -> ((StatefulRedisClusterConnection<String, String>) connection).async(), client::connectPubSub,
                client::shutdown);
    }

    /**
     * A cluster connection, connected to every master now: the cluster client would connect to
     * each on first use, and a request's budget would pay for it (a master down now is
     * connected to when it is back).
     */
    private static StatefulConnection<String, String> connectEveryMaster(RedisClusterClient client) {
        StatefulRedisClusterConnection<String, String> connection = client.connect();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                try {
                    connection.getConnection(node.getNodeId());
                } catch (RuntimeException e) {
                    // down now: the first command for its slots connects
                }
            }
        }
        return connection;
    }

    RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * {@code WAIT} on the connection that made the write to {@code key}: on a cluster, the
     * connection to the master of the key's slot (WAIT has no key, so the cluster client
     * would send it elsewhere, where it counts nothing of this write).
     */
    RedisFuture<Long> waitForReplication(String key, int replicas, long millis) {
        if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            RedisURI master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key)).getUri();
            return cluster.getConnection(master.getHost(), master.getPort()).async().waitForReplication(replicas, millis);
        }
        return commands.waitForReplication(replicas, millis);
    }

    /** Whether this is a Redis Cluster: a domain's keys live on the shard of its hash slot. */
    boolean isCluster() {
        return connection instanceof StatefulRedisClusterConnection;
    }

    /** A second connection for subscriptions (a subscribed connection can send nothing else). */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return clients.connectPubSub();
    }

    /** A connection of its own, for a command that blocks (a stream's tail) and must not hold up the others. */
    StatefulConnection<String, String> connectDedicated() {
        return clients.connect();
    }

    /** The commands of a connection {@link #connectDedicated} made. */
    RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> dedicated) {
        return clients.async(dedicated);
    }

    /** When an operation started now must be done by. */
    long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    boolean isReachable() {
        try {
            return "PONG".equals(await(commands.ping(), deadline(), false));
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /**
     * Whether the nodes that hold these keys answer now: one {@code EXISTS} per key, routed
     * by its slot (on a cluster, a {@code PING} goes to whichever node the client chose).
     */
    boolean answersFor(List<String> keys) {
        long deadline = deadline();
        List<RedisFuture<Long>> replies = keys.stream().map(key -> commands.exists(key)).toList();
        try {
            for (RedisFuture<Long> reply : replies) {
                await(reply, deadline, false);
            }
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    /** Runs a script by its digest, loading it when Redis does not know it (after a restart or a failover). */
    <T> T script(String script, ScriptOutputType type, long deadline, String[] scriptKeys, String... args) {
        try {
            return await(commands.<T>evalsha(Sha1.of(script), type, scriptKeys, args), deadline, true);
        } catch (NoScript e) {
            return await(commands.<T>eval(script, type, scriptKeys, args), deadline, true);
        }
    }

    /**
     * The script's reply, later, without a thread waiting for it: by its digest, loaded
     * when Redis does not know it; past the deadline, or on a failure, completed with
     * {@link StoreUnavailableException} (or what {@link #failure} makes of it).
     */
    <T> CompletableFuture<T> scriptLater(String script, ScriptOutputType type, long deadline, String[] scriptKeys,
                                         String... args) {
        return RedisLink.<T>later(commands.evalsha(Sha1.of(script), type, scriptKeys, args), deadline, true)
                .exceptionallyCompose(failure -> StoreUnavailableException.unwrap(failure) instanceof NoScript
                        ? later(commands.<T>eval(script, type, scriptKeys, args), deadline, true)
                        : CompletableFuture.failedFuture(StoreUnavailableException.unwrap(failure)));
    }

    /** The reply, later, within the deadline; what went wrong as {@link StoreUnavailableException}. */
    static <T> CompletableFuture<T> later(RedisFuture<T> future, long deadline, boolean write) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                reply.complete(value);
            } else {
                reply.completeExceptionally(failure(StoreUnavailableException.unwrap(failure), write));
            }
        });
        long left = Math.max(0, deadline - System.nanoTime());
        var timer = TIMEOUTS.schedule(() -> {
            if (reply.completeExceptionally(new StoreUnavailableException("Redis did not answer in time", write, null))) {
                future.cancel(false);
            }
        }, left, TimeUnit.NANOSECONDS);
        reply.whenComplete((value, failure) -> timer.cancel(false));
        return reply;
    }

    /** The reply, within the deadline; what went wrong as {@link StoreUnavailableException}. */
    static <T> T await(RedisFuture<T> future, long deadline, boolean write) {
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

    /**
     * Waits for an operation answered {@link #later}: for the twins of asynchronous methods
     * that callers off the request path use. Bounded, as each step of the operation has its
     * deadline; its failure is thrown as it is.
     */
    static <T> T join(CompletionStage<T> later) {
        try {
            return later.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (StoreUnavailableException.unwrap(e) instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Runs {@code task} in {@code nanos} on the deadlines' thread (it must only complete futures); cancel it when moot. */
    static ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return TIMEOUTS.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Ends the replies that Redis did not give in time; one thread for every link, it only completes futures. */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

    private static ScheduledThreadPoolExecutor timeouts() {
        ScheduledThreadPoolExecutor timeouts = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "redis-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timeouts.setRemoveOnCancelPolicy(true);
        return timeouts;
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
            // Redis answered: a replica after a failover (READONLY), still loading its data, out of memory; on a
            // cluster, a script whose keys are split by a slot being moved (TRYAGAIN), a slot nobody serves
            // (CLUSTERDOWN). Each refuses the command before running it.
            if (message.startsWith("READONLY") || message.startsWith("LOADING") || message.startsWith("MASTERDOWN")
                    || message.startsWith("OOM") || message.startsWith("BUSY") || message.startsWith("TRYAGAIN")
                    || message.startsWith("CLUSTERDOWN")) {
                return new StoreUnavailableException("Redis refused the command: " + message, false, cause);
            }
            return new IllegalStateException("Redis answered an error: " + message, cause);
        }
        // not connected: rejected before it was sent; or the connection broke with the command in flight
        boolean rejected = message.contains("rejected") || message.contains("not connected");
        return new StoreUnavailableException("Redis cannot be reached: " + message, write && !rejected, cause);
    }

    @Override
    public void close() {
        connection.close();
        clients.shutdown().run();
        SharedResources.release();
    }

    /**
     * One set of Netty event loops and timers for every Redis link of the process (the
     * conversation store's, the auth store's), as Lettuce recommends: each link once built
     * its own, a few threads per core each. Counted, and shut down with the last link.
     */
    private static final class SharedResources {
        private static ClientResources shared; // guarded by the class
        private static int users;

        static synchronized ClientResources acquire() {
            if (shared == null) {
                shared = ClientResources.builder()
                        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                                TimeUnit.MILLISECONDS))
                        .build();
            }
            users++;
            return shared;
        }

        static synchronized void release() {
            if (--users == 0) {
                shared.shutdown();
                shared = null;
            }
        }
    }

    private static final class NoScript extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoScript() {
            super(null, null, false, false);
        }
    }

    /** The SHA-1 digest Redis names a script by. */
    private static final class Sha1 {
        private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

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
