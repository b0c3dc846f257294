package org.ccarm.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.ccarm.auth.Session;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.tree.Element;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;
import org.junit.jupiter.api.Test;

/** {@code session}: the request's own session, without its token; nothing when there is none (authentication off). */
class SessionQueryTest {

    private static final Instant NOW = Instant.parse("2026-11-25T13:03:39.123Z");
    private final Command<?> query = TestAuth.catalog(new InMemoryConversationStore()).find("session");

    private Outcome run(Optional<Session> session) throws Exception {
        return execute(query, new CommandContext("demo", NOW, session, () -> "-", Optional.empty()));
    }

    private static <A> Outcome execute(Command<A> command, CommandContext context) throws Exception {
        return command.executeLater(command.arguments(new CommandInput("session", Map.of())), context)
                .toCompletableFuture().join();
    }

    @Test
    void aSessionIsAnsweredAsLoginAnsweredItWithoutTheToken() throws Exception {
        Session session = new Session("demo", "9001", true, "hash-of-the-token", NOW, NOW.plusSeconds(43_200));
        Outcome outcome = run(Optional.of(session));
        assertTrue(outcome.isDone());
        assertEquals("9001", outcome.actingOperator());
        Element answered = outcome.reply();
        assertEquals("session", answered.name());
        assertEquals(Map.of("operator_id", "9001", "supervisor", "true", "expires", "2026-11-26T01:03:39.123Z"),
                answered.attributes());
        assertNull(outcome.session(), "the query changes no session: no cookie is set or cleared");
    }

    @Test
    void withoutASessionTheAnswerIsOkAlone() throws Exception {
        Outcome outcome = run(Optional.empty());
        assertTrue(outcome.isDone());
        assertNull(outcome.reply());
        assertTrue(query.requiresSession(), "with authentication required, the dispatcher answers 401 before it runs");
    }
}
