package org.ccarm.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.events.ChangeEvents;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;

/**
 * The Redis store's streams: per domain a counter ({@code events:seq}), a Stream whose
 * entries have the ids {@code <seq>-0} ({@code events}), and the epoch
 * ({@code events:epoch}), all under the domain's hash tag. The store's scripts write an
 * event together with its change ({@link Scripts}); this class reads them: replays with
 * XRANGE, and tails every watched domain with one blocking XREAD on a connection of its
 * own, which is how each instance hears of the changes made on the others.
 */
final class RedisEventLog implements EventLog, AutoCloseable {

    private static final int SCAN_BATCH = 500;
    /** How long each read blocks when the tail reads several hash slots (a cluster's domains on several shards). */
    private static final long SLOT_READ_MILLIS = 100;

    private final RedisLink link;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final String maxLength;
    private final Heard heard;
    private final Map<Integer, StatefulConnection<String, String>> tails = new HashMap<>(); // by hash slot; guarded by this

    /** Hears each change the tail reads: the conversation's state after it, null when it ended. */
    interface Heard {
        void change(ConversationKey key, Conversation after);
    }

    RedisEventLog(RedisLink link, RedisKeys keys, int retained, Heard heard) {
        if (retained < 1) {
            throw new IllegalArgumentException("a stream retains at least one event");
        }
        this.link = link;
        this.redis = link.commands();
        this.keys = keys;
        this.maxLength = Integer.toString(retained);
        this.heard = heard;
    }

    /** A new epoch for every script: used only by a domain whose stream has none yet, so each domain gets its own. */
    String candidateEpoch() {
        return EventLog.newEpoch();
    }

    String maxLength() {
        return maxLength;
    }

    @Override
    public Position position(String domain) {
        List<Object> position = link.script(Scripts.POSITION, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.eventSeq(domain), keys.eventEpoch(domain), keys.events(domain)}, candidateEpoch());
        return new Position((String) position.get(0), (Long) position.get(1));
    }

    @Override
    public Optional<List<ConversationEvent>> after(String domain, String epoch, long seq, int max) {
        Position position = position(domain);
        if (!position.epoch().equals(epoch) || seq < 0 || seq > position.lastSeq()) {
            return Optional.empty();
        }
        if (seq == position.lastSeq()) {
            return Optional.of(List.of());
        }
        List<StreamMessage<String, String>> entries = RedisLink.await(redis.xrange(keys.events(domain),
                Range.create((seq + 1) + "-0", "+"), Limit.create(0, max)), link.deadline(), false);
        List<ConversationEvent> events = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> entry : entries) {
            Optional<ConversationEvent> event = readable(domain, entry, (key, after) -> { });
            if (event.isEmpty()) {
                return Optional.empty(); // an entry this server cannot read (an earlier release's): a gap, a fresh snapshot
            }
            events.add(event.get());
        }
        // the first one retained must be the very next: anything else is a gap (trimmed, or a new epoch meanwhile)
        if (events.isEmpty() || events.get(0).seq() != seq + 1 || !events.get(0).epoch().equals(epoch)) {
            return Optional.empty();
        }
        return Optional.of(events);
    }

    @Override
    public List<ConversationEvent> next(Map<String, Long> positions, int max, long waitMillis) {
        if (positions.isEmpty()) {
            return List.of();
        }
        // one XREAD per hash slot: on a cluster, streams of several slots in one XREAD are CROSSSLOT (on one
        // server, one XREAD reads every domain's stream)
        Map<Integer, List<XReadArgs.StreamOffset<String>>> bySlot = new HashMap<>();
        Map<String, String> domainOfStream = new HashMap<>();
        for (Map.Entry<String, Long> position : positions.entrySet()) {
            String stream = keys.events(position.getKey());
            domainOfStream.put(stream, position.getKey());
            bySlot.computeIfAbsent(link.isCluster() ? SlotHash.getSlot(stream) : 0, slot -> new ArrayList<>())
                    .add(XReadArgs.StreamOffset.from(stream, position.getValue() + "-0"));
        }
        // with several slots every read is awaited, so an event of one domain waits for the others' reads to end:
        // they block at most SLOT_READ_MILLIS then (ten short reads a second per slot, instead of one long one)
        long block = bySlot.size() > 1 ? Math.min(waitMillis, SLOT_READ_MILLIS) : waitMillis;
        List<RedisFuture<List<StreamMessage<String, String>>>> reads = new ArrayList<>();
        for (Map.Entry<Integer, List<XReadArgs.StreamOffset<String>>> group : bySlot.entrySet()) {
            @SuppressWarnings("unchecked")
            XReadArgs.StreamOffset<String>[] offsets = group.getValue().toArray(XReadArgs.StreamOffset[]::new);
            reads.add(tailOf(group.getKey()).xread(XReadArgs.Builder.block(block).count(max), offsets));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(block) + link.timeoutNanos();
        List<ConversationEvent> events = new ArrayList<>();
        for (RedisFuture<List<StreamMessage<String, String>>> read : reads) {
            for (StreamMessage<String, String> entry : RedisLink.await(read, deadline, false)) {
                Optional<ConversationEvent> event = readable(domainOfStream.get(entry.getStream()), entry, heard);
                // an entry this server cannot read is skipped: the seq it leaves out ends that domain's
                // subscriptions (they resume), rather than stopping every domain's delivery on it
                event.ifPresent(events::add);
            }
        }
        return events;
    }

    /** The tail's connection for the streams of one hash slot (on one server, one for all). */
    private synchronized RedisClusterAsyncCommands<String, String> tailOf(int slot) {
        return link.commandsOf(tails.computeIfAbsent(slot, any -> link.connectDedicated()));
    }

    private static Optional<ConversationEvent> readable(String domain, StreamMessage<String, String> entry, Heard heard) {
        try {
            return Optional.of(event(domain, entry, heard));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The event an entry records, computed from the states before and after its change. */
    private static ConversationEvent event(String domain, StreamMessage<String, String> entry, Heard heard) {
        String id = entry.getId();
        Map<String, String> fields = entry.getBody();
        if (!fields.containsKey("v")) {
            return earlierLayout(domain, entry);
        }
        String conversation = fields.get("c");
        long version = Long.parseLong(fields.get("v"));
        String acting = fields.get("o");
        Conversation after = state(domain, conversation, version, fields.get("a"));
        ConversationEvent event = ChangeEvents.between(state(domain, conversation, version - 1, fields.get("b")), after,
                        acting.isEmpty() ? null : acting, Instant.ofEpochMilli(Long.parseLong(fields.get("t"))))
                .recordedAt(fields.get("e"), Long.parseLong(id.substring(0, id.indexOf('-'))));
        heard.change(new ConversationKey(domain, conversation), after);
        return event;
    }

    /**
     * An entry an earlier release wrote (the event itself: status {@code s}, operator
     * {@code o}, operators {@code p}, former operators {@code r}), still in the stream after
     * an upgrade: read as it was, so a subscriber resuming across the upgrade misses nothing.
     */
    private static ConversationEvent earlierLayout(String domain, StreamMessage<String, String> entry) {
        Map<String, String> fields = entry.getBody();
        String id = entry.getId();
        String operator = fields.get("o");
        List<String> operators = List.copyOf(new LinkedHashSet<>(StoredFields.earlierOperators(fields.get("p"))));
        String former = fields.get("r");
        List<String> removed = new ArrayList<>();
        if (former != null) {
            StoredFields.earlierOperators(former).stream().filter(o -> !operators.contains(o) && !removed.contains(o)).forEach(removed::add);
        }
        return ConversationEvent.change(domain, fields.get("c"), ConversationEvent.Status.ofWire(fields.get("s")),
                        operator == null || operator.isEmpty() ? null : operator,
                        Instant.ofEpochMilli(Long.parseLong(fields.get("t"))), operators, removed)
                .recordedAt(fields.get("e"), Long.parseLong(id.substring(0, id.indexOf('-'))));
    }

    private static Conversation state(String domain, String conversation, long version, String text) {
        return text.isEmpty() ? null : ConversationCodec.decode(domain, conversation, version, text);
    }

    /** The domain's conversations by SCAN, one page's worth read back (pipelined) per batch. */
    @Override
    public Iterator<List<Conversation>> snapshot(String domain) {
        ScanArgs pattern = ScanArgs.Builder.matches(keys.conversationPattern(domain)).limit(SCAN_BATCH);
        return new Iterator<>() {
            private KeyScanCursor<String> cursor;
            private List<Conversation> ahead;

            @Override
            public boolean hasNext() {
                while (ahead == null || ahead.isEmpty()) {
                    if (cursor != null && cursor.isFinished()) {
                        return false;
                    }
                    cursor = RedisLink.await(cursor == null ? redis.scan(pattern) : redis.scan(cursor, pattern),
                            link.deadline(), false);
                    ahead = read(domain, cursor.getKeys());
                }
                return true;
            }

            @Override
            public List<Conversation> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Conversation> batch = ahead;
                ahead = null;
                return batch;
            }
        };
    }

    private List<Conversation> read(String domain, List<String> conversationKeys) {
        List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(conversationKeys.size());
        for (String key : conversationKeys) {
            reads.add(redis.hgetall(key));
        }
        long deadline = link.deadline();
        List<Conversation> conversations = new ArrayList<>(reads.size());
        for (int i = 0; i < reads.size(); i++) {
            ConversationKey key = new ConversationKey(domain, keys.conversationIdOf(domain, conversationKeys.get(i)));
            // a conversation ended between the SCAN and its read is simply not there
            StoredFields.conversation(key, RedisLink.await(reads.get(i), deadline, false)).ifPresent(conversations::add);
        }
        return conversations;
    }

    @Override
    public synchronized void close() {
        tails.values().forEach(StatefulConnection::close);
        tails.clear();
    }
}
