package org.ccarm.command;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;
import org.junit.jupiter.api.Test;

/** The declarations of the conversation commands: arguments, the transition each asks for, and the outcome. */
class ConversationCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-25T13:03:39.123Z");

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final CommandCatalog catalog = TestAuth.catalog(store);

    private Outcome run(String command, Map<String, String> attributes) throws ProtocolException {
        return execute(catalog.find(command), new CommandInput(command, attributes));
    }

    private static <A> Outcome execute(Command<A> command, CommandInput input) throws ProtocolException {
        return command.executeLater(command.arguments(input), new CommandContext("demo", NOW)).toCompletableFuture().join();
    }

    @Test
    void theCatalogDeclaresTheConversationCommandsWithTheFastPathAndTheSessionAndEventCommandsWithout() {
        assertEquals(Map.of("call_unhold", true, "call_hold", true, "login", false, "logout", false, "session", false,
                "subscribe", false, "unsubscribe", false), catalog.canonicalFastPaths());
    }

    @Test
    void callUnholdReleasesAndNamesTheConversationAndTheOperatorWhoHeld() throws Exception {
        store.put(heldBy("1002", "demo", "c1", "1001", "1002"));
        Outcome outcome = run("call_unhold", Map.of("conversation_id", "c1"));
        assertTrue(outcome.isDone());
        assertEquals("c1", outcome.conversationId());
        assertEquals("1002", outcome.actingOperator());
        assertFalse(store.find(new ConversationKey("demo", "c1")).orElseThrow().isOnHold());
    }

    @Test
    void callHoldRecordsTheHoldAtTheInstantOfTheCall() throws Exception {
        store.put(heldBy("1001", "demo", "c2", "1001"));
        run("call_unhold", Map.of("conversation_id", "c2"));
        assertTrue(run("call_hold", Map.of("conversation_id", "c2")).isDone());
        assertEquals(NOW, store.find(new ConversationKey("demo", "c2")).orElseThrow().hold().orElseThrow().since());
    }

    @Test
    void aRefusalIsTheVendorsCannotPerformCmdWithTheRequestedOperatorNamed() throws Exception {
        Outcome outcome = run("call_unhold", Map.of("conversation_id", "nope", "operator_id", "1003"));
        assertEquals(ErrorReason.CANNOT_PERFORM_CMD, outcome.refusal());
        assertEquals("conversation nope does not exist in domain demo", outcome.detail());
        assertEquals("1003", outcome.actingOperator());
    }

    @Test
    void emptyIdsAreInvalidDocumentsNotLookups() {
        ProtocolException empty = assertThrows(ProtocolException.class, () -> run("call_unhold", Map.of("conversation_id", "")));
        assertEquals(ErrorReason.INVALID_DOCUMENT, empty.reason());
        assertEquals("conversation_id must not be empty", empty.detail());
        ProtocolException emptyOperator = assertThrows(ProtocolException.class,
                () -> run("call_hold", Map.of("conversation_id", "c1", "operator_id", "")));
        assertEquals("operator_id must not be empty when given", emptyOperator.detail());
    }
}
