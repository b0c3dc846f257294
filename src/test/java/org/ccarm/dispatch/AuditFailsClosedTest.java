package org.ccarm.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ccarm.audit.AuditLog;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;
import org.junit.jupiter.api.Test;

/**
 * A synced audit that cannot be written fails closed, through the real dispatcher over
 * the in-memory store: a change is refused before it is made ({@code audit_unavailable}),
 * the rules first (a call they refuse is 403 as always), reads are served, and a change
 * whose own line failed is answered 503 saying it was made. A batched audit never refuses.
 */
class AuditFailsClosedTest {

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final AtomicBoolean writable = new AtomicBoolean(true);
    private final AtomicBoolean lastLineKept = new AtomicBoolean(true);

    private CommandDispatcher dispatcher(boolean synced) {
        return new CommandDispatcher(Set.of("demo"), TestAuth.catalog(store),
                new AuditLog(synced, writable::get, lastLineKept::get), Metrics.disabled(), Clock.systemUTC(),
                TestAuth.inMemory(), false);
    }

    private static Answer run(CommandDispatcher dispatcher, String command, String id) {
        byte[] body = ("<in><request><" + command + " conversation_id=\"" + id + "\"/></request></in>")
                .getBytes(StandardCharsets.UTF_8);
        return dispatcher.admitLater(Call.startingNow("http", "demo", command, "test"), TransportChecks.NONE)
                .thenCompose(admission -> admission.orElseLater(admitted ->
                        admitted.executeLater(WireFormat.XML, body, StandardCharsets.UTF_8)))
                .toCompletableFuture().join();
    }

    private Conversation stored(String id) {
        return store.find(new ConversationKey("demo", id)).orElseThrow();
    }

    private void given(String id, boolean held) {
        store.put(Conversation.of("demo", id, List.of("1001"),
                held ? Optional.of(new Hold("1001", Instant.EPOCH)) : Optional.empty()));
    }

    @Test
    void whileTheTrailCannotBeWrittenAChangeIsRefusedBeforeItIsMadeAfterTheRules() {
        CommandDispatcher dispatcher = dispatcher(true);
        given("free", false);
        given("held", true);
        writable.set(false);
        long version = stored("free").version();

        Answer refused = run(dispatcher, "call_hold", "free");
        assertEquals(ErrorReason.AUDIT_UNAVAILABLE, refused.reason());
        assertEquals(503, refused.status());
        assertTrue(refused.detail().contains("nothing was changed"), refused.detail());
        assertEquals(version, stored("free").version(), "nothing changed");
        assertFalse(stored("free").isOnHold());

        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, run(dispatcher, "call_unhold", "free").reason(),
                "the rules refuse first: 403 as always");
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, run(dispatcher, "call_hold", "nowhere").reason());
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, run(dispatcher, "call_hold", "held").reason());

        writable.set(true); // the trail takes lines again: changes go through by themselves
        assertTrue(run(dispatcher, "call_hold", "free").isOk());
        assertTrue(stored("free").isOnHold());
    }

    @Test
    void aChangeWhoseOwnLineFailedIsAnswered503SayingItWasMade() {
        CommandDispatcher dispatcher = dispatcher(true);
        given("held", true);
        lastLineKept.set(false);
        Answer answer = run(dispatcher, "call_unhold", "held");
        assertEquals(ErrorReason.AUDIT_UNAVAILABLE, answer.reason());
        assertTrue(answer.detail().contains("the change was made"), answer.detail());
        assertFalse(stored("held").isOnHold(), "it was made: the answer says so");
    }

    @Test
    void aBatchedAuditNeverRefuses() {
        CommandDispatcher dispatcher = dispatcher(false);
        given("free", false);
        writable.set(false);
        lastLineKept.set(false);
        assertTrue(run(dispatcher, "call_hold", "free").isOk());
        assertTrue(stored("free").isOnHold());
    }
}
