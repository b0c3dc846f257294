package org.ccarm.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.EventLog;
import org.ccarm.store.CallOwners;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * Conversations in Redis, shared by every server instance that points at it.
 *
 * <p>A conversation is a hash of its version and its state as one text
 * ({@link StoredFields}). A transition is decided in Java by the domain's
 * {@link Transition} on the state this instance last saw ({@link KnownConversations}; read
 * first when it saw none) and recorded by a compare-and-set on that version and text: one
 * round trip in the common case. When another instance changed the conversation meanwhile,
 * the script sends back what Redis has, and the transition is decided again on that. So
 * the rules live once, in the domain, and of any number of concurrent transitions of one
 * conversation, sent to any instances, each sees the state the previous one left.
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

    /** How many conversations' states an instance keeps to decide on ({@link KnownConversations}). */
    static final int KNOWN_CAPACITY = 1_000_000;

    private final RedisLink link;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final int waitReplicas;
    private final RedisEventLog events;
    private Handovers handovers; // guarded by this; opened on first use
    private final CallOwners callOwners;
    private final KnownConversations known = new KnownConversations(KNOWN_CAPACITY);

    private RedisConversationStore(RedisLink link, Settings settings) {
        this.link = link;
        this.redis = link.commands();
        this.keys = new RedisKeys(settings.prefix());
        this.waitReplicas = settings.waitReplicas();
        this.callOwners = new RedisCallOwners(link, keys);
        // the changes the event tail reads (made here or on other instances) keep what this instance knows fresh
        this.events = new RedisEventLog(link, keys, settings.retainedEvents(), (key, after) -> {
            if (after == null) {
                known.forget(key);
            } else {
                known.noteIfNewer(after);
            }
        });
    }

    /** Connects (a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL); fails when Redis cannot be reached now. */
    public static RedisConversationStore connect(Settings settings) {
        RedisConversationStore store = new RedisConversationStore(RedisLink.connect(settings.url(), settings.timeout()), settings);
        try {
            store.upgradeEarlierLayout();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        return RedisLink.join(findLater(key));
    }

    @Override
    public CompletionStage<Optional<Conversation>> findLater(ConversationKey key) {
        return RedisLink.later(redis.hgetall(keys.conversation(key)), deadline(), false).thenApply(fields -> {
            Optional<Conversation> found = StoredFields.conversation(key, fields);
            found.ifPresentOrElse(known::note, () -> known.forget(key));
            return found;
        });
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        return RedisLink.join(applyAsync(key, transition)); // bounded: every step of it has the deadline
    }

    /**
     * Applies the transition without a thread waiting for Redis, in one round trip when this
     * instance knows the conversation's state: the rules are decided on that state (on
     * Lettuce's thread, a few microseconds) and the compare-and-set records the result if
     * Redis still has that very state, or answers the state it has, on which the rules are
     * decided again. A conversation this instance does not know is read first. A refusal
     * decided on a state only remembered is not answered before the state is read: a
     * remembered state may be old, a recorded change never is. The whole is bounded by one
     * deadline.
     */
    @Override
    public CompletionStage<TransitionResult> applyAsync(ConversationKey key, Transition transition) {
        long deadline = deadline();
        Conversation remembered = known.get(key);
        return remembered == null ? readThenDecide(key, transition, deadline)
                : decide(key, transition, remembered, true, deadline);
    }

    private CompletableFuture<TransitionResult> readThenDecide(ConversationKey key, Transition transition, long deadline) {
        return RedisLink.later(redis.hgetall(keys.conversation(key)), deadline, false).thenCompose(fields -> {
            Optional<Conversation> current = StoredFields.conversation(key, fields);
            if (current.isEmpty()) {
                known.forget(key);
                return CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key));
            }
            known.note(current.get());
            return decide(key, transition, current.get(), false, deadline);
        });
    }

    private CompletableFuture<TransitionResult> decide(ConversationKey key, Transition transition, Conversation current,
                                                       boolean onlyRemembered, long deadline) {
        TransitionResult result = transition.applyTo(current);
        if (!(result instanceof TransitionResult.Applied applied)) {
            return onlyRemembered ? readThenDecide(key, transition, deadline) : CompletableFuture.completedFuture(result);
        }
        Conversation after = applied.after();
        String acting = applied.actingOperator();
        return link.<List<Object>>scriptLater(Scripts.COMPARE_AND_SET, ScriptOutputType.MULTI, deadline, changeKeys(key),
                Long.toString(current.version()), ConversationCodec.encode(current),
                Long.toString(after.version()), ConversationCodec.encode(after),
                events.candidateEpoch(), events.maxLength(), key.conversationId(), nowMillis(),
                acting == null ? "" : acting).thenCompose(reply -> {
            long seq = (Long) reply.get(0);
            if (seq > 0) {
                known.note(after);
                return replicatedLater(key, deadline).thenApply(replicas -> (TransitionResult) applied.recordedAs(seq));
            }
            if (reply.size() == 1) {
                known.forget(key);
                return CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key));
            }
            // another change came first: decide again on the state Redis has now, which it sent back
            Conversation now = ConversationCodec.decode(key.domain(), key.conversationId(),
                    Long.parseLong((String) reply.get(1)), (String) reply.get(2));
            known.note(now);
            return decide(key, transition, now, false, deadline);
        });
    }

    /** With {@code store.redis.wait-replicas}, a change counts once that many replicas have it; without waiting. */
    private CompletableFuture<Void> replicatedLater(ConversationKey key, long deadline) {
        if (waitReplicas <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return RedisLink.later(link.waitForReplication(keys.conversation(key), waitReplicas, millis),
                deadline + TimeUnit.MILLISECONDS.toNanos(50),
                true).thenAccept(acknowledged -> {
                    if (acknowledged < waitReplicas) {
                        throw new StoreUnavailableException("the change was made on the primary, but only " + acknowledged
                                + " of " + waitReplicas + " replicas confirmed it in time", true, null);
                    }
                });
    }

    @Override
    public Put put(Conversation conversation) {
        return RedisLink.join(putLater(conversation));
    }

    @Override
    public CompletionStage<Put> putLater(Conversation conversation) {
        long deadline = deadline();
        known.forget(conversation.key()); // noted once it counts: a put not replicated in time is not known
        return link.<List<Long>>scriptLater(Scripts.PUT, ScriptOutputType.MULTI, deadline, changeKeys(conversation.key()),
                ConversationCodec.encode(conversation), events.candidateEpoch(), events.maxLength(), conversation.id(),
                nowMillis()).thenCompose(result -> replicatedLater(conversation.key(), deadline).thenApply(replicas -> {
                    Conversation stored = conversation.recordedAs(conversation.hold(), result.get(1));
                    known.note(stored);
                    return new Put(result.get(0) == 1, stored, result.get(2));
                }));
    }

    @Override
    public Optional<Removed> remove(ConversationKey key) {
        return RedisLink.join(removeLater(key));
    }

    @Override
    public CompletionStage<Optional<Removed>> removeLater(ConversationKey key) {
        long deadline = deadline();
        known.forget(key);
        // the event's operators are the conversation's own, which the script copies from its state
        return link.<List<Long>>scriptLater(Scripts.REMOVE, ScriptOutputType.MULTI, deadline, changeKeys(key),
                events.candidateEpoch(), events.maxLength(), key.conversationId(), nowMillis()).thenCompose(result ->
                result.get(0) < 0 ? CompletableFuture.completedFuture(Optional.<Removed>empty())
                        : replicatedLater(key, deadline).thenApply(replicas -> Optional.of(new Removed(result.get(0), result.get(1)))));
    }

    @Override
    public CallOwners callOwners() {
        return callOwners;
    }

    @Override
    public synchronized Handovers handovers() {
        if (handovers == null) { // its own connection, opened only by an instance that hands over or serves
            handovers = new RedisHandovers(link, keys.handoverPrefix(), UUID.randomUUID().toString());
        }
        return handovers;
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

    private static String nowMillis() {
        return Long.toString(System.currentTimeMillis());
    }

    /**
     * Rewrites the conversations an earlier release stored (operators, holder and start as
     * fields of their own) in today's layout, once per store: a marker key says it was done.
     * Run at start, before any command; stop instances of the earlier release first.
     */
    private void upgradeEarlierLayout() {
        if (RedisLink.await(redis.exists(keys.layoutUpgraded()), deadline(), false) > 0) {
            return;
        }
        ScanArgs pattern = ScanArgs.Builder.matches(keys.everyConversationPattern()).limit(500);
        KeyScanCursor<String> cursor = null;
        do {
            cursor = RedisLink.await(cursor == null ? redis.scan(pattern) : redis.scan(cursor, pattern), deadline(), false);
            for (String hash : cursor.getKeys()) {
                // read, then rewrite if still that version; a change in between (an instance that was not
                // stopped) makes it read again
                while (true) {
                    Map<String, String> fields = RedisLink.await(redis.hgetall(hash), deadline(), false);
                    if (!StoredFields.isEarlierLayout(fields)) {
                        break;
                    }
                    Conversation conversation = StoredFields.conversation(keys.conversationKeyOf(hash), fields).orElseThrow();
                    Long rewritten = script(Scripts.UPGRADE_LAYOUT, ScriptOutputType.INTEGER, deadline(), new String[] {hash},
                            Long.toString(conversation.version()), ConversationCodec.encode(conversation));
                    if (rewritten == 1) {
                        break;
                    }
                }
            }
        } while (!cursor.isFinished());
        RedisLink.await(redis.set(keys.layoutUpgraded(), "2"), deadline(), true);
    }

    @Override
    public int loadFixtureOnce(String domain, List<Conversation> conversations) {
        List<String> keyList = new ArrayList<>();
        List<String> args = new ArrayList<>();
        keyList.add(keys.fixtureLoaded(domain));
        for (Conversation conversation : conversations) {
            keyList.add(keys.conversation(conversation.key()));
            args.add(ConversationCodec.encode(conversation));
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
    public boolean isReachableFor(Collection<String> domains) {
        return link.isCluster() ? link.answersFor(domains.stream().map(keys::eventSeq).toList()) : link.isReachable();
    }

    @Override
    public void close() {
        events.close();
        synchronized (this) {
            if (handovers != null) {
                handovers.close();
            }
        }
        link.close();
    }

    private long deadline() {
        return link.deadline();
    }

    private <T> T script(String script, ScriptOutputType type, long deadline, String[] scriptKeys, String... args) {
        return link.script(script, type, deadline, scriptKeys, args);
    }

}
