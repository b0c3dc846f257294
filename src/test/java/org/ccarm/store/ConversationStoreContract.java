package org.ccarm.store;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
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
        assertEquals(OptionalLong.of(3), store.remove(c.key()));
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
            OptionalLong ended = (OptionalLong) results.get(1);
            TransitionResult release = (TransitionResult) results.get(0);
            assertTrue(ended.isPresent());
            assertEquals(release instanceof TransitionResult.Applied ? 3 : 2, ended.getAsLong(), release.toString());
            assertTrue(store.find(c.key()).isEmpty());
        }
    }
}
