package org.ccarm.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.callcontrol.Caller;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Conversations;
import org.ccarm.callcontrol.LengthPrefixed;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.store.Handovers;
import org.ccarm.store.InMemoryConversationStore;
import org.junit.jupiter.api.Test;

/**
 * Commands of a call another instance carries: two instances (A receives the commands, B
 * carries the call) sharing one store, whose hand-overs run within this process. B's
 * call stands for the media: it counts the changes it was asked to make, and accepts or
 * refuses them as a phone would.
 */
class CallHandoverTest {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
    private static final ConversationKey CALL = new ConversationKey("demo", "c1");

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final AtomicInteger mediaChanges = new AtomicInteger();
    private volatile boolean phoneRefuses;

    /** B's calls: the one call c1, whose media change runs before the record, as a SIP call's does. */
    private final AtomicInteger hangUps = new AtomicInteger();
    private final CarriedCalls carriedByB = new CarriedCalls() {
        @Override
        public Optional<CarriedCall> call(ConversationKey key) {
            return !key.equals(CALL) ? Optional.empty() : Optional.of((transition, record) -> {
                mediaChanges.incrementAndGet();
                if (phoneRefuses) {
                    return CompletableFuture.completedFuture(new TransitionResult.Refused(Refusal.MEDIA_REFUSED,
                            "the operator's leg refused the hold: 488 Not Acceptable Here", "1001", 1));
                }
                return record.apply(transition);
            });
        }

        @Override
        public boolean hangUp(ConversationKey key) {
            return key.equals(CALL) && hangUps.incrementAndGet() > 0;
        }
    };

    private final CallHandover a = new CallHandover(store, "a#1", CarriedCalls.NONE, 300, Runnable::run);
    private final CallHandover b = new CallHandover(store, "b#1", carriedByB, 300, Runnable::run);

    private Outcome run(CarriedCalls calls, String command, String conversation) throws Exception {
        Command<?> found = new CommandCatalog(ConversationCommands.over(store, calls)).find(command);
        return execute(found, new CommandInput(command, Map.of("conversation_id", conversation)));
    }

    private static <T> Outcome execute(Command<T> command, CommandInput input) throws Exception {
        return command.executeLater(command.arguments(input), new CommandContext("demo", NOW)).toCompletableFuture().join();
    }

    private void carriedByB() {
        store.put(Conversation.of("demo", CALL.conversationId(), List.of("1001"), Optional.empty(),
                Optional.of(Caller.of("sip:+4930123456@trunk", null)), 0).carriedBy("b#1"));
    }

    @Test
    void aHoldAskedOfAnotherInstanceIsMadeByTheOwnerMediaFirstAndAnsweredAsItsOwn() throws Exception {
        b.serve();
        carriedByB();
        Outcome held = run(a, "call_hold", "c1");
        assertTrue(held.isDone(), held.toString());
        assertEquals("1001", held.actingOperator());
        assertEquals(1, mediaChanges.get(), "the owner changed the media");
        Conversation stored = store.find(CALL).orElseThrow();
        assertTrue(stored.isOnHold());
        assertEquals(NOW, stored.hold().orElseThrow().since(), "the instant of the command where it arrived");
        assertEquals(held.version(), stored.version());
        assertEquals(Optional.of("b#1"), stored.owner(), "still carried by B");
        assertTrue(run(a, "call_unhold", "c1").isDone());
        assertEquals(2, mediaChanges.get());
    }

    @Test
    void theOwnersRefusalComesBackAsTheAnswerAndNothingIsRecorded() throws Exception {
        b.serve();
        carriedByB();
        phoneRefuses = true;
        Outcome refused = run(a, "call_hold", "c1");
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, refused.refusal());
        assertEquals("the operator's leg refused the hold: 488 Not Acceptable Here", refused.detail());
        assertFalse(store.find(CALL).orElseThrow().isOnHold());
    }

    @Test
    void theRulesRunWhereTheCommandArrivedAndARefusalIsNotHandedOver() throws Exception {
        b.serve();
        carriedByB();
        Outcome refused = run(a, "call_unhold", "c1");
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, refused.refusal());
        assertEquals("conversation c1 is not on hold", refused.detail());
        assertEquals(0, mediaChanges.get(), "nothing reached the owner");
    }

    @Test
    void anOwnerThatDoesNotServeIsOwnerUnavailableNamingItAndNothingChanges() throws Exception {
        carriedByB(); // B is not serving: gone
        Outcome refused = run(a, "call_hold", "c1");
        assertEquals(ErrorReason.OWNER_UNAVAILABLE, refused.refusal());
        assertEquals(503, refused.refusal().status());
        assertEquals(1, refused.retryAfterSeconds());
        assertTrue(refused.detail().contains("instance b#1, which carries conversation c1, did not answer")
                && refused.detail().contains("outcome unknown"), refused.detail());
        assertFalse(store.find(CALL).orElseThrow().isOnHold());
    }

    @Test
    void anOwnerThatNeverAnswersIsOwnerUnavailableAtTheDeadline() throws Exception {
        store.handovers().serve("b#1", request -> new CompletableFuture<>()); // frozen: takes it and never answers
        carriedByB();
        long start = System.nanoTime();
        Outcome refused = run(a, "call_hold", "c1");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ErrorReason.OWNER_UNAVAILABLE, refused.refusal());
        assertTrue(millis >= 250 && millis < 2_000, "at the 300 ms deadline: " + millis);
    }

    @Test
    void aCommandArrivingAtTheOwnerChangesTheMediaThereWithoutAHandOver() throws Exception {
        carriedByB(); // B is not serving hand-overs, and needs none for its own call
        assertTrue(run(b, "call_hold", "c1").isDone());
        assertEquals(1, mediaChanges.get());
    }

    @Test
    void aConversationOfTheSwitchFeedIsRecordedWhereTheCommandArrived() throws Exception {
        store.put(Conversations.free("demo", "feed-1", "1001"));
        assertTrue(run(a, "call_hold", "feed-1").isDone());
        assertTrue(store.find(new ConversationKey("demo", "feed-1")).orElseThrow().isOnHold());
        assertEquals(0, mediaChanges.get());
    }

    @Test
    void theFeedsEndOfACallAnotherInstanceCarriesIsHandedToItToHangUp() {
        b.serve();
        carriedByB();
        a.hangUpAnywhere(CALL).toCompletableFuture().join();
        assertEquals(1, hangUps.get(), "B hung its call up");
        a.hangUpAnywhere(new ConversationKey("demo", "not-a-call")).toCompletableFuture().join();
        assertEquals(1, hangUps.get(), "nothing to hang up for a conversation that is no call");
    }

    @Test
    void theOwnerTakesNoMalformedRequestOnTrustAndDropsAnExpiredOne() {
        b.serve();
        carriedByB();
        long deadline = System.nanoTime() + 300_000_000L;
        String garbage = store.handovers().send("b#1", "not length-prefixed", deadline).toCompletableFuture().join();
        assertTrue(garbage.contains("not a hand-over"), garbage);
        String noInstant = store.handovers().send("b#1", LengthPrefixed.ofFields(Map.of("domain", "demo", "id", "c1",
                "expires_at", Long.toString(System.currentTimeMillis() + 60_000), "change", "hold")), deadline)
                .toCompletableFuture().join();
        assertTrue(noInstant.contains("not a hand-over: no at"), noInstant);
        CompletableFuture<String> expired = store.handovers().send("b#1", LengthPrefixed.ofFields(Map.of("domain", "demo",
                "id", "c1", "expires_at", "1", "change", "release")), deadline).toCompletableFuture();
        assertTrue(assertThrows(CompletionException.class, expired::join).getCause() instanceof Handovers.Unanswered,
                "an expired request is dropped, not carried out late");
        assertEquals(0, mediaChanges.get(), "nothing reached the call");
    }

    @Test
    void aCallRecordedAsThisInstancesButNoLongerAmongItsCallsIsGone() throws Exception {
        carriedByB();
        CallHandover restartedB = new CallHandover(store, "b#1", CarriedCalls.NONE, 300, Runnable::run); // its calls ended
        Outcome refused = run(restartedB, "call_hold", "c1");
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, refused.refusal());
        assertEquals("conversation c1 does not exist in domain demo", refused.detail());
    }
}
