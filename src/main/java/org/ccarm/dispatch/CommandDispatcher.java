package org.ccarm.dispatch;

import java.nio.charset.Charset;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.command.Command;
import org.ccarm.command.CommandCatalog;
import org.ccarm.command.CommandContext;
import org.ccarm.command.Outcome;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.RequestDecoder;
import org.slf4j.LoggerFactory;

/**
 * The one way in for every transport. It owns the protocol's order of checks, so that a
 * transport cannot get it wrong: {@link #admit} checks the domain, the command, the
 * transport's method, whether the server is shutting down, then the transport's media
 * type; the transport reads the body and hands it to the {@link Admitted} call, which
 * decodes it, runs the command and maps its outcome. Every call ends in exactly one
 * audit line.
 */
public final class CommandDispatcher {

    private static final RateLimitedLog FAILURES =
            new RateLimitedLog(LoggerFactory.getLogger(CommandDispatcher.class), 1, TimeUnit.MINUTES);

    private final Set<String> domains;
    private final CommandCatalog catalog;
    private final RequestDecoder decoder;
    private final AuditLog audit;
    private final Clock clock;
    private final Metrics metrics;
    private volatile boolean shuttingDown;

    public CommandDispatcher(Set<String> domains, CommandCatalog catalog, AuditLog audit, Metrics metrics, Clock clock) {
        this.domains = Set.copyOf(domains);
        this.catalog = catalog;
        this.decoder = new RequestDecoder(catalog.canonicalFastPaths());
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** False once the server has begun to stop: readiness answers 503. */
    public boolean isAccepting() {
        return !shuttingDown;
    }

    public boolean servesDomain(String domain) {
        return domains.contains(domain);
    }

    /** From now on new calls are refused with 503 {@code shutting_down}; calls already admitted complete. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** The checks before the body, in the protocol's order; the first that fails answers. */
    public Admission admit(Call call, TransportChecks checks) {
        if (!servesDomain(call.domain())) {
            return answered(call, ErrorReason.UNKNOWN_DOMAIN, "domain " + call.domain() + " is not served here");
        }
        Command<?> command = catalog.find(call.command());
        if (command == null) {
            return answered(call, ErrorReason.UNKNOWN_COMMAND, "command " + call.command()
                    + " is not known; known commands: " + String.join(", ", catalog.names()));
        }
        Optional<Rejection> method = checks.method();
        if (method.isPresent()) {
            return answered(call, method.get().reason(), method.get().detail());
        }
        if (shuttingDown) {
            return answered(call, ErrorReason.SHUTTING_DOWN, "the server is shutting down; send the command to another instance");
        }
        Optional<Rejection> mediaType = checks.mediaType();
        if (mediaType.isPresent()) {
            return answered(call, mediaType.get().reason(), mediaType.get().detail());
        }
        return new Admitted(call, command);
    }

    /**
     * A call refused before it could be routed at all (a websocket message that is not
     * a frame): answered with {@code cmd="unknown"}, and audited.
     */
    public Answer refuseUnrouted(Call call, ErrorReason reason, String detail) {
        return refuse(call, reason, detail);
    }

    private Admission answered(Call call, ErrorReason reason, String detail) {
        return new Admission.Answered(refuse(call, reason, detail));
    }

    private Answer refuse(Call call, ErrorReason reason, String detail) {
        Answer answer = Answer.error(call.command(), catalog.find(call.command()) != null, reason, detail);
        audit(call, answer, null);
        return answer;
    }

    private void audit(Call call, Answer answer, Outcome outcome) {
        long nanos = System.nanoTime() - call.startNanos();
        audit.record(new AuditEntry(call.transport(), call.domain(), call.command(),
                outcome == null ? null : outcome.conversationId(), outcome == null ? 0 : outcome.version(),
                outcome == null ? null : outcome.actingOperator(), answer.outcome(), answer.status(), nanos / 1_000,
                call.requestId()));
        metrics.commandAnswered(call.domain(), call.command(), call.transport(), answer.status(), nanos);
    }

    /** A call that passed every check before its body; complete it exactly once. */
    public final class Admitted implements Admission {
        private final Call call;
        private final Command<?> command;

        private Admitted(Call call, Command<?> command) {
            this.call = call;
            this.command = command;
            metrics.commandAdmitted();
        }

        /** A refusal while the transport read the body (too large, unreadable, too slow). */
        public Answer refuse(ErrorReason reason, String detail) {
            metrics.commandCompleted();
            return CommandDispatcher.this.refuse(call, reason, detail);
        }

        /** Decodes the {@code in} document and runs the command. */
        public Answer execute(WireFormat format, byte[] body, Charset charset) {
            Outcome outcome = null;
            Answer answer;
            try {
                CommandInput input = decoder.decode(command.name(), format, body, charset);
                outcome = run(command, input, new CommandContext(call.domain(), clock.instant()));
                answer = outcome.isDone() ? Answer.ok(call.command())
                        : Answer.error(call.command(), true, outcome.refusal(), outcome.detail());
            } catch (ProtocolException e) {
                answer = Answer.error(call.command(), true, e.reason(), e.detail());
            } catch (RuntimeException e) {
                FAILURES.warn(e.getClass().getName() + " in " + call.command(), call.transport() + " " + call.command()
                        + " in domain " + call.domain() + " failed unexpectedly (request " + call.requestId() + ")", e);
                answer = Answer.error(call.command(), true, ErrorReason.INTERNAL_ERROR,
                        "the server failed to carry out the command; it has been logged");
            }
            metrics.commandCompleted();
            audit(call, answer, outcome);
            return answer;
        }
    }

    private static <A> Outcome run(Command<A> command, CommandInput input, CommandContext context) throws ProtocolException {
        return command.execute(command.arguments(input), context);
    }
}
