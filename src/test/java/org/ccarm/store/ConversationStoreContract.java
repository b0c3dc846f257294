package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.events.ConversationEvent;
import org.ccarm.events.EventLog;
import org.ccarm.testing.Race;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConversationStore} promises, run against each implementation: the
 * transitions with their rules, versions, domains kept apart, and atomicity under
 * races (transitions against each other, and against the switch feed's put and remove).
 */
abstract class ConversationStoreContract {

    private static final Instant AT = Instant.parse("2026-11-25T13:03:39.123Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    protected ConversationStore store;

    /** A store to test; it may hold conversations of other tests, which use their own ids. */
    protected abstract ConversationStore newStore() throws Exception;

    @BeforeEach
    void createStore() throws Exception {
        store = newStore();
    }

    private static String id() {
        return "contract-" + IDS.incrementAndGet();
    }

    private TransitionResult release(Conversation c, String operator) {
        return store.apply(c.key(), new Transition.ReleaseHold(Optional.ofNullable(operator)));
    }

    private TransitionResult hold(Conversation c, String operator) {
        return store.apply(c.key(), new Transition.PlaceHold(Optional.ofNullable(operator), AT));
    }

    private Conversation stored(Conversation c) {
        return store.find(c.key()).orElseThrow();
    }

    @Test
    void putCreatesAtVersionOneThenReplacesContinuingTheCount() {
        String id = id();
        ConversationStore.Put created = store.put(free("demo", id, "1001"));
        assertTrue(created.created());
        assertEquals(1, created.stored().version());
        ConversationStore.Put replaced = store.put(heldBy("1001", "demo", id, "1001"));
        assertFalse(replaced.created());
        assertEquals(2, replaced.stored().version());
        Conversation stored = store.find(new ConversationKey("demo", id)).orElseThrow();
        assertTrue(stored.isOnHold());
        assertEquals(2, stored.version());
    }

    @Test
    void aConversationIsReadBackAsItWasPut() {
        Conversation held = heldBy("1002", "demo", id(), "1001", "1002", "1003");
        store.put(held);
        Conversation stored = stored(held);
        assertTrue(stored.sameStateAs(held), stored.toString());
        assertEquals(List.of("1001", "1002", "1003"), stored.operators());
        assertEquals(Optional.of(new Hold("1002", Instant.parse("2026-11-25T13:03:39.123Z"))), stored.hold());
    }

    @Test
    void domainsAreSeparate() {
        String id = id();
        store.put(free("demo", id, "1001"));
        store.put(free("other", id, "1002"));
        assertEquals("1002", store.find(new ConversationKey("other", id)).orElseThrow().operators().get(0));
        assertTrue(store.remove(new ConversationKey("other", id)).isPresent());
        assertTrue(store.find(new ConversationKey("demo", id)).isPresent());
        assertTrue(store.find(new ConversationKey("other", id)).isEmpty());
    }

    @Test
    void removeEndsAConversationAsOneMoreChangeAndSaysWhetherThereWasOne() {
        Conversation c = free("demo", id(), "1001");
        store.put(c);
        hold(c, "1001");
        assertEquals(Optional.of(3L), store.remove(c.key()).map(ConversationStore.Removed::version));
        assertTrue(store.remove(c.key()).isEmpty());
        assertTrue(store.remove(new ConversationKey("nowhere", c.id())).isEmpty());
        assertInstanceOf(TransitionResult.Refused.class, release(c, null));
    }

    @Test
    void eachTransitionRaisesTheVersionByOne() {
        Conversation c = heldBy("1001", "demo", id(), "1001", "1002");
        store.put(c);
        for (int i = 0; i < 4; i++) {
            TransitionResult.Applied released = assertInstanceOf(TransitionResult.Applied.class, release(c, "1002"));
            assertEquals(2 + 2 * i, released.after().version());
            TransitionResult.Applied held = assertInstanceOf(TransitionResult.Applied.class, hold(c, "1002"));
            assertEquals(3 + 2 * i, held.after().version());
        }
        assertEquals(9, stored(c).version());
    }

    @Test
    void aReleaseAndAHoldAreRecordedWithWhoAndWhen() {
        Conversation c = heldBy("1001", "demo", id(), "1001", "1002");
        store.put(c);
        assertEquals("1001", assertInstanceOf(TransitionResult.Applied.class, release(c, null)).actingOperator());
        assertFalse(stored(c).isOnHold());
        hold(c, "1002");
        assertEquals(Optional.of(new Hold("1002", AT)), stored(c).hold());
    }

    @Test
    void everyRefusalOfTheRulesIsTypedAndChangesNothing() {
        Conversation free = free("demo", id(), "1001", "1002");
        store.put(free);
        assertRefused(Refusal.NOT_ON_HOLD, release(free, null), 1);
        assertRefused(Refusal.OPERATOR_REQUIRED, hold(free, null), 1);
        assertRefused(Refusal.NOT_A_PARTICIPANT, hold(free, "9999"), 1);
        hold(free, "1001");
        assertRefused(Refusal.ALREADY_ON_HOLD, hold(free, "1002"), 2);
        assertRefused(Refusal.NOT_A_PARTICIPANT, release(free, "9999"), 2);
        assertRefused(Refusal.NO_SUCH_CONVERSATION, release(free("demo", id(), "1001"), null), 0);
        assertRefused(Refusal.NO_SUCH_CONVERSATION, release(free("nowhere", free.id(), "1001"), null), 0);
        assertEquals(2, stored(free).version());
        assertEquals(Optional.of(new Hold("1001", AT)), stored(free).hold());
    }

    private static void assertRefused(Refusal refusal, TransitionResult result, long version) {
        TransitionResult.Refused refused = assertInstanceOf(TransitionResult.Refused.class, result);
        assertEquals(refusal, refused.refusal(), refused.detail());
        assertEquals(version, refused.version(), "the version of the state refused");
    }

    @Test
    void ofConcurrentReleasesOfOneConversationExactlyOneHappens() throws Exception {
        Conversation c = heldBy("1001", "demo", id(), "1001", "1002");
        store.put(c);
        List<TransitionResult> results = Race.run(48, i -> () -> release(c, i % 2 == 0 ? "1001" : "1002"));
        assertEquals(1, results.stream().filter(TransitionResult.Applied.class::isInstance).count());
        assertEquals(47, results.stream().filter(r -> r instanceof TransitionResult.Refused refused
                && refused.refusal() == Refusal.NOT_ON_HOLD).count());
        assertEquals(2, stored(c).version());
    }

    /** The same, asked without waiting: every request in flight at once, as the dispatcher asks (applyAsync). */
    @Test
    void ofReleasesAskedAllAtOnceWithoutWaitingExactlyOneHappens() {
        Conversation c = heldBy("1001", "demo", id(), "1001", "1002");
        store.put(c);
        List<CompletableFuture<TransitionResult>> asked = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            asked.add(store.applyAsync(c.key(), new Transition.ReleaseHold(Optional.of(i % 2 == 0 ? "1001" : "1002")))
                    .toCompletableFuture());
        }
        List<TransitionResult> results = asked.stream().map(CompletableFuture::join).toList();
        assertEquals(1, results.stream().filter(TransitionResult.Applied.class::isInstance).count());
        assertEquals(47, results.stream().filter(r -> r instanceof TransitionResult.Refused refused
                && refused.refusal() == Refusal.NOT_ON_HOLD).count());
        assertEquals(2, stored(c).version());
        TransitionResult.Applied applied = (TransitionResult.Applied) results.stream()
                .filter(TransitionResult.Applied.class::isInstance).findFirst().orElseThrow();
        assertTrue(applied.seq() > 0, "recorded with its event");
        assertTrue(store.applyAsync(new ConversationKey("demo", id()), new Transition.ReleaseHold(Optional.empty()))
                .toCompletableFuture().join() instanceof TransitionResult.Refused, "no such conversation");
    }

    @Test
    void concurrentHoldsAndReleasesEachSeeTheStateThePreviousLeft() throws Exception {
        Conversation c = free("demo", id(), "1001");
        store.put(c);
        List<TransitionResult> results = Race.run(32, i -> () -> i % 2 == 0 ? hold(c, "1001") : release(c, "1001"));
        long applied = results.stream().filter(TransitionResult.Applied.class::isInstance).count();
        // the versions of the applied transitions are exactly 2..applied+1, each once: no change lost or doubled
        List<Long> versions = results.stream().filter(TransitionResult.Applied.class::isInstance)
                .map(r -> ((TransitionResult.Applied) r).after().version()).sorted().toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(2, applied + 1).boxed().toList(), versions);
        assertEquals(applied + 1, stored(c).version());
        assertEquals(applied % 2 == 1, stored(c).isOnHold(), "holds and releases alternate");
    }

    @Test
    void aTransitionRacingWithAReplacementIsEitherBeforeItOrOnTheNewState() throws Exception {
        for (int round = 0; round < 20; round++) {
            Conversation c = heldBy("1001", "demo", id(), "1001");
            store.put(c);
            List<Object> results = Race.run(2, i -> () -> i == 0 ? release(c, null) : store.put(heldBy("1001", "demo", c.id(), "1001")));
            TransitionResult release = (TransitionResult) results.get(0);
            Conversation after = stored(c);
            if (release instanceof TransitionResult.Applied) {
                // the release was counted: either before the replacement (version 3, held again) or after it (3, free)
                assertEquals(3, after.version(), after.toString());
            } else {
                assertEquals(2, after.version(), after.toString());
            }
        }
    }

    @Test
    void aTransitionRacingWithAnEndEitherHappensBeforeItOrFindsNoConversation() throws Exception {
        for (int round = 0; round < 20; round++) {
            Conversation c = heldBy("1001", "demo", id(), "1001");
            store.put(c);
            List<Object> results = Race.run(2, i -> () -> i == 0 ? release(c, null) : store.remove(c.key()));
            @SuppressWarnings("unchecked")
            Optional<ConversationStore.Removed> ended = (Optional<ConversationStore.Removed>) results.get(1);
            TransitionResult release = (TransitionResult) results.get(0);
            assertTrue(ended.isPresent());
            assertEquals(release instanceof TransitionResult.Applied ? 3 : 2, ended.get().version(), release.toString());
            assertTrue(store.find(c.key()).isEmpty());
        }
    }
    // the store's event streams: one event per change, recorded with it, numbered without gaps

    private List<ConversationEvent> eventsOf(String domain) {
        EventLog.Position position = store.events().position(domain);
        return store.events().after(domain, position.epoch(), 0, 10_000).orElseThrow();
    }

    @Test
    void everyChangeRecordsExactlyOneEventAndARefusalNone() {
        String domain = "events-" + id();
        Conversation c = free(domain, "c1", "1001", "1002");
        ConversationStore.Put put = store.put(c);
        TransitionResult held = hold(c, "1002");
        TransitionResult released = release(c, "1001");
        assertInstanceOf(TransitionResult.Refused.class, release(c, null), "not on hold: refused, no event");
        Optional<ConversationStore.Removed> removed = store.remove(c.key());
        assertTrue(store.remove(c.key()).isEmpty(), "nothing to end: no event");

        List<ConversationEvent> events = eventsOf(domain);
        assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(ConversationEvent::seq).toList());
        assertEquals(List.of(put.seq(), ((TransitionResult.Applied) held).seq(), ((TransitionResult.Applied) released).seq(),
                removed.orElseThrow().seq()), List.of(1L, 2L, 3L, 4L), "each change knows its event's seq");
        assertEquals(List.of("working", "hold", "working", "released"),
                events.stream().map(e -> e.status().wire()).toList());
        assertEquals(java.util.Arrays.asList(null, "1002", "1001", null),
                events.stream().map(ConversationEvent::operatorId).toList(), "holder, releaser; none for the feed");
        assertEquals(AT, events.get(1).at(), "a hold's event is at the hold's start");
        for (ConversationEvent event : events) {
            assertEquals("c1", event.conversationId());
            assertEquals(List.of("1001", "1002"), event.operators(), "routed by the conversation's operators");
            assertEquals(store.events().position(domain).epoch(), event.epoch());
        }
        assertEquals(4, store.events().position(domain).lastSeq());
    }

    @Test
    void aReplacementRecordsTheOperatorsItTookOutApartFromThoseItHas() {
        String domain = "events-" + id();
        store.put(free(domain, "c1", "1001", "1002"));
        store.put(heldBy("1003", domain, "c1", "1002", "1003"));
        store.put(heldBy("1003", domain, "c1", "1002", "1003"));
        List<ConversationEvent> events = eventsOf(domain);
        assertEquals(List.of("1002", "1003"), events.get(1).operators());
        assertEquals(List.of("1001"), events.get(1).removed(), "1001 hears that, for it, the conversation ended");
        assertEquals(List.of(), events.get(2).removed(), "the same operators again: nobody taken out");
        ConversationEvent seenBy1001 = events.get(1).viewFor(java.util.Set.of("1001")).orElseThrow();
        assertEquals("released", seenBy1001.status().wire());
        assertEquals(null, seenBy1001.operatorId(), "it learns nothing of who holds it now");
        assertEquals("hold", events.get(1).viewFor(java.util.Set.of("1002")).orElseThrow().status().wire());
        assertTrue(events.get(2).viewFor(java.util.Set.of("1001")).isEmpty(), "and nothing after");
    }

    @Test
    void eventsReplayedInSeqOrderEndInTheStoresStateWhateverRacesThePutsRemovesAndTransitions() throws Exception {
        String domain = "events-" + id();
        int ids = 20;
        // four threads put, remove, hold and release the same conversations while a fifth grows the domain
        // (new conversations: the map resizes meanwhile)
        Race.run(5, t -> () -> {
            for (int n = 0; n < 300; n++) {
                if (t == 4) {
                    store.put(free(domain, "grow-" + n, "1001"));
                    continue;
                }
                Conversation c = free(domain, "c" + (n * 7 + t) % ids, "1001", "1002");
                switch ((n + t) % 4) {
                    case 0 -> store.put(c);
                    case 1 -> store.remove(c.key());
                    case 2 -> store.apply(c.key(), new Transition.PlaceHold(Optional.of("1002"), AT));
                    default -> store.apply(c.key(), new Transition.ReleaseHold(Optional.empty()));
                }
            }
            return null;
        });
        java.util.Map<String, String> replayed = new java.util.HashMap<>();
        for (ConversationEvent event : eventsOf(domain)) {
            if (event.status() == ConversationEvent.Status.RELEASED) {
                replayed.remove(event.conversationId());
            } else {
                replayed.put(event.conversationId(), event.status().wire());
            }
        }
        for (int i = 0; i < ids; i++) {
            Optional<Conversation> stored = store.find(new ConversationKey(domain, "c" + i));
            assertEquals(stored.map(c -> c.isOnHold() ? "hold" : "working"), Optional.ofNullable(replayed.get("c" + i)),
                    "c" + i + ": the events, in order, tell its state");
        }
    }

    @Test
    void aReplayIsRefusedWhenItCannotBeWithoutAGap() {
        String domain = "events-" + id();
        Conversation c = free(domain, "c1", "1001");
        store.put(c);
        hold(c, null);
        EventLog.Position position = store.events().position(domain);
        assertEquals(2, position.lastSeq());
        assertEquals(List.of(2L), store.events().after(domain, position.epoch(), 1, 10).orElseThrow().stream()
                .map(ConversationEvent::seq).toList());
        assertEquals(List.of(), store.events().after(domain, position.epoch(), 2, 10).orElseThrow(), "up to date");
        assertTrue(store.events().after(domain, position.epoch(), 3, 10).isEmpty(), "newer than the stream");
        assertTrue(store.events().after(domain, "another-epoch", 1, 10).isEmpty(), "another epoch");
        assertTrue(store.events().after(domain + "-x", position.epoch(), 0, 10).isEmpty(), "another domain's epoch");
    }

    @Test
    void concurrentChangesInOneDomainGetDistinctSeqsWithoutGaps() throws Exception {
        String domain = "events-" + id();
        int conversations = 8;
        for (int i = 0; i < conversations; i++) {
            store.put(free(domain, "c" + i, "1001"));
        }
        List<List<Long>> seqs = Race.run(conversations, i -> () -> {
            Conversation c = free(domain, "c" + i, "1001");
            List<Long> mine = new java.util.ArrayList<>();
            for (int round = 0; round < 25; round++) {
                mine.add(((TransitionResult.Applied) hold(c, null)).seq());
                mine.add(((TransitionResult.Applied) release(c, null)).seq());
            }
            return mine;
        });
        List<Long> all = seqs.stream().flatMap(List::stream).sorted().toList();
        int changes = conversations * 50;
        assertEquals(java.util.stream.LongStream.rangeClosed(conversations + 1, conversations + changes).boxed().toList(), all);
        List<ConversationEvent> events = eventsOf(domain);
        assertEquals(conversations + changes, events.size());
        for (int i = 0; i < seqs.size(); i++) {
            for (long seq : seqs.get(i)) {
                assertEquals("c" + i, events.get((int) seq - 1).conversationId(), "event " + seq + " is the change that got it");
            }
        }
    }

    @Test
    void theTailHearsAChangeMadeWhileItWaits() throws Exception {
        String domain = "events-" + id();
        long last = store.events().position(domain).lastSeq();
        java.util.concurrent.CompletableFuture<List<ConversationEvent>> heard = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return store.events().next(java.util.Map.of(domain, last), 100, 5_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        store.put(heldBy("1001", domain, "c1", "1001"));
        List<ConversationEvent> events = heard.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, events.size());
        assertEquals("hold", events.get(0).status().wire());
        assertEquals(last + 1, events.get(0).seq());
    }

    @Test
    void aSnapshotListsTheDomainsConversationsAsTheyAre() {
        String domain = "events-" + id();
        for (int i = 0; i < 700; i++) {
            store.put(i % 2 == 0 ? heldBy("1001", domain, "c" + i, "1001") : free(domain, "c" + i, "1002"));
        }
        store.remove(new ConversationKey(domain, "c0"));
        java.util.Map<String, Conversation> seen = new java.util.HashMap<>();
        store.events().snapshot(domain).forEachRemaining(batch -> batch.forEach(c -> seen.put(c.id(), c)));
        assertEquals(699, seen.size());
        assertTrue(seen.get("c2").isOnHold());
        assertFalse(seen.get("c1").isOnHold());
        assertFalse(seen.containsKey("c0"), "an ended conversation is not in the snapshot");
    }
}
