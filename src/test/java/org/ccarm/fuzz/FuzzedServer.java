package org.ccarm.fuzz;

import java.nio.charset.Charset;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ccarm.audit.AuditLog;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Hold;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.WireFormat;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;

/**
 * The server's inside, for fuzz targets: the real dispatcher, decoder and commands over
 * an in-memory store holding conversation {@code c1}, held by 1001 (operators 1001 and
 * 1002). {@link #run} checks the property every input must keep: never a 500 (an
 * exception escaping the readers would be one), and nothing changed unless the answer
 * is 200.
 */
final class FuzzedServer {

    static final ConversationKey C1 = new ConversationKey("demo", "c1");

    private final InMemoryConversationStore store = new InMemoryConversationStore();
    private final CommandDispatcher dispatcher = new CommandDispatcher(Set.of("demo"),
            TestAuth.catalog(store), new AuditLog(), Metrics.disabled(), Clock.systemUTC(), TestAuth.inMemory(), false);

    /** Runs one call of {@code command} with {@code body} and checks the property. */
    Answer run(String transport, String command, WireFormat format, byte[] body, Charset charset) {
        Conversation before = store.put(Conversation.of("demo", "c1", List.of("1001", "1002"),
                Optional.of(new Hold("1001", java.time.Instant.EPOCH)))).stored();
        // the in-memory store answers at once: the answer is there when the call returns
        Answer answer = dispatcher.admitLater(Call.startingNow(transport, "demo", command, "fuzz"), TransportChecks.NONE)
                .thenCompose(admission -> admission.orElseLater(admitted -> admitted.executeLater(format, body, charset)))
                .toCompletableFuture().getNow(null);
        if (answer.status() >= 500) {
            throw new AssertionError("a 500 for input: " + answer.detail());
        }
        Conversation after = store.find(C1).orElseThrow();
        if (answer.status() != 200 && after.version() != before.version()) {
            throw new AssertionError("a " + answer.status() + " changed the conversation: " + after);
        }
        return answer;
    }
}
