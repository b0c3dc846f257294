package org.ccarm.store.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.ChangeEvents;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;
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
 * together; {@link RedisLink} keeps it and says what a failure means.
 */
public final class RedisConversationStore implements ConversationStore {

    /**
     * How to reach Redis and how long to wait for it; each domain's event stream keeps
     * about {@code retainedEvents} events (trimmed approximately, so a little more).
     */
    public record Settings(String url, String prefix, Duration timeout, int waitReplicas, int retainedEvents) {

        public Settings(String url, String prefix, Duration timeout, int waitReplicas) {
            this(url, prefix, timeout, waitReplicas, EventLog.DEFAULT_RETAINED);
        }
    }

    private static final String NOT_HELD = "";

    private final RedisLink link;
    private final RedisAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final int waitReplicas;
    private final RedisEventLog events;

    private RedisConversationStore(RedisLink link, Settings settings) {
        this.link = link;
        this.redis = link.commands();
        this.keys = new RedisKeys(settings.prefix());
        this.waitReplicas = settings.waitReplicas();
        this.events = new RedisEventLog(link, keys, settings.retainedEvents());
    }

    /** Connects (a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL); fails when Redis cannot be reached now. */
    public static RedisConversationStore connect(Settings settings) {
        return new RedisConversationStore(RedisLink.connect(settings.url(), settings.timeout()), settings);
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
            Long seq = script(Scripts.COMPARE_AND_SET, ScriptOutputType.INTEGER, deadline, changeKeys(key),
                    withEvent(ChangeEvents.applied(applied, now()), Long.toString(current.get().version()),
                            Long.toString(after.version()), hold.map(Hold::heldBy).orElse(NOT_HELD),
                            hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse("")));
            if (seq > 0) {
                replicated(deadline);
                return applied.recordedAs(seq);
            }
            // another instance changed the conversation since it was read: decide again on what is there now
        }
    }

    /**
     * {@link #apply} without a thread waiting for Redis: the read and the compare-and-set
     * are chained on their replies (the rules are decided on Lettuce's thread, a few
     * microseconds), and the whole is bounded by one deadline.
     */
    @Override
    public CompletionStage<TransitionResult> applyAsync(ConversationKey key, Transition transition) {
        return attempt(key, transition, deadline());
    }

    private CompletableFuture<TransitionResult> attempt(ConversationKey key, Transition transition, long deadline) {
        return RedisLink.later(redis.hgetall(keys.conversation(key)), deadline, false).thenCompose(fields -> {
            Optional<Conversation> current = StoredFields.conversation(key, fields);
            if (current.isEmpty()) {
                return CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key));
            }
            TransitionResult result = transition.applyTo(current.get());
            if (!(result instanceof TransitionResult.Applied applied)) {
                return CompletableFuture.completedFuture(result);
            }
            Conversation after = applied.after();
            Optional<Hold> hold = after.hold();
            return link.<Long>scriptLater(Scripts.COMPARE_AND_SET, ScriptOutputType.INTEGER, deadline, changeKeys(key),
                    withEvent(ChangeEvents.applied(applied, now()), Long.toString(current.get().version()),
                            Long.toString(after.version()), hold.map(Hold::heldBy).orElse(NOT_HELD),
                            hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse(""))).thenCompose(seq -> {
                if (seq <= 0) {
                    // another instance changed the conversation since it was read: decide again on what is there now
                    return attempt(key, transition, deadline);
                }
                return replicatedLater(deadline).thenApply(replicas -> (TransitionResult) applied.recordedAs(seq));
            });
        });
    }

    /** {@link #replicated} without waiting. */
    private CompletableFuture<Void> replicatedLater(long deadline) {
        if (waitReplicas <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return RedisLink.later(redis.waitForReplication(waitReplicas, millis), deadline + TimeUnit.MILLISECONDS.toNanos(50),
                true).thenAccept(acknowledged -> {
                    if (acknowledged < waitReplicas) {
                        throw new StoreUnavailableException("the change was made on the primary, but only " + acknowledged
                                + " of " + waitReplicas + " replicas confirmed it in time", true, null);
                    }
                });
    }

    @Override
    public Put put(Conversation conversation) {
        long deadline = deadline();
        Optional<Hold> hold = conversation.hold();
        List<Long> result = script(Scripts.PUT, ScriptOutputType.MULTI, deadline, changeKeys(conversation.key()),
                withEvent(ChangeEvents.put(conversation, List.of(), now()), StoredFields.operators(conversation.operators()),
                        hold.map(Hold::heldBy).orElse(NOT_HELD),
                        hold.map(h -> Long.toString(h.since().toEpochMilli())).orElse("")));
        replicated(deadline);
        long version = result.get(1);
        return new Put(result.get(0) == 1, Conversation.of(conversation.domain(), conversation.id(),
                conversation.operators(), hold, version), result.get(2));
    }

    @Override
    public Optional<Removed> remove(ConversationKey key) {
        long deadline = deadline();
        // the event's operators are the conversation's own, which the script reads
        List<Long> result = script(Scripts.REMOVE, ScriptOutputType.MULTI, deadline, changeKeys(key),
                events.candidateEpoch(), events.maxLength(), key.conversationId(),
                ConversationEvent.Status.RELEASED.wire(), Long.toString(now().toEpochMilli()));
        if (result.get(0) < 0) {
            return Optional.empty();
        }
        replicated(deadline);
        return Optional.of(new Removed(result.get(0), result.get(1)));
    }

    @Override
    public EventLog events() {
        return events;
    }

    /** The keys of a script that changes a conversation: it, and its domain's seq, stream and epoch. */
    private String[] changeKeys(ConversationKey key) {
        String domain = key.domain();
        return new String[] {keys.conversation(key), keys.eventSeq(domain), keys.events(domain), keys.eventEpoch(domain)};
    }

    /** A change's own arguments followed by its event's, as {@link Scripts#COMPARE_AND_SET} and {@link Scripts#PUT} read them. */
    private String[] withEvent(ConversationEvent event, String... changeArgs) {
        String[] args = Arrays.copyOf(changeArgs, changeArgs.length + 7);
        int i = changeArgs.length;
        args[i++] = events.candidateEpoch();
        args[i++] = events.maxLength();
        args[i++] = event.conversationId();
        args[i++] = event.status().wire();
        args[i++] = event.operatorId() == null ? "" : event.operatorId();
        args[i++] = Long.toString(event.at().toEpochMilli());
        args[i] = StoredFields.operators(event.operators());
        return args;
    }

    private static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
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
        long deadline = System.nanoTime() + 10 * link.timeoutNanos();
        Long loaded = script(Scripts.LOAD_FIXTURE_ONCE, ScriptOutputType.INTEGER, deadline,
                keyList.toArray(String[]::new), args.toArray(String[]::new));
        return loaded.intValue();
    }

    @Override
    public boolean isReachable() {
        return link.isReachable();
    }

    @Override
    public void close() {
        events.close();
        link.close();
    }

    private long deadline() {
        return link.deadline();
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

    private <T> T script(String script, ScriptOutputType type, long deadline, String[] scriptKeys, String... args) {
        return link.script(script, type, deadline, scriptKeys, args);
    }

    private static <T> T await(RedisFuture<T> future, long deadline, boolean write) {
        return RedisLink.await(future, deadline, write);
    }
}
