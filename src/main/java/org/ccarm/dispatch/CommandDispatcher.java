package org.ccarm.dispatch;

import java.nio.charset.Charset;
import java.util.Optional;
import java.util.Set;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.callcontrol.command.Command;
import org.ccarm.callcontrol.command.CommandRequest;
import org.ccarm.callcontrol.command.Commands;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.RequestDecoder;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.xml.CommandBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs command calls for every transport. A transport first asks {@link #route} (the
 * 404s), then makes its own checks (method, media type, size) and either
 * {@link #refuse}s or {@link #execute}s; every path ends in exactly one audit line.
 */
public final class CommandDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

    private final Set<String> domains;
    private final Commands commands;
    private final RequestDecoder decoder;
    private final AuditLog audit;

    public CommandDispatcher(Set<String> domains, Commands commands, RequestDecoder decoder, AuditLog audit) {
        this.domains = Set.copyOf(domains);
        this.commands = commands;
        this.decoder = decoder;
        this.audit = audit;
        for (String name : commands.names()) {
            if (!decoder.supports(name)) {
                throw new IllegalArgumentException("command " + name + " has no wire binding");
            }
        }
    }

    public boolean servesDomain(String domain) {
        return domains.contains(domain);
    }

    public boolean knowsCommand(String command) {
        return commands.find(command).isPresent();
    }

    /** The 404 answer when the call names an unknown domain or command; empty when it may proceed. */
    public Optional<Answer> route(Call call) {
        if (!servesDomain(call.domain())) {
            return Optional.of(refuse(call, ErrorReason.UNKNOWN_DOMAIN,
                    "domain " + call.domain() + " is not served here"));
        }
        if (!knowsCommand(call.command())) {
            return Optional.of(refuse(call, ErrorReason.UNKNOWN_COMMAND,
                    "command " + call.command() + " is not known; known commands: "
                            + String.join(", ", commands.names())));
        }
        return Optional.empty();
    }

    /** An error answer for a check the transport made, audited like any other. */
    public Answer refuse(Call call, ErrorReason reason, String detail) {
        Answer answer = Answer.error(call.command(), knowsCommand(call.command()), reason, detail);
        audit.record(call, answer, null, null);
        return answer;
    }

    /** Decodes the {@code in} document and runs the command. Call only after {@link #route} passed. */
    public Answer execute(Call call, WireFormat format, byte[] body, Charset charset) {
        String conversationId = null;
        String actingOperator = null;
        Answer answer;
        try {
            Command command = commands.find(call.command()).orElseThrow();
            CommandBinding.Arguments arguments = decoder.decode(call.command(), format, body, charset);
            conversationId = arguments.conversationId();
            actingOperator = arguments.operatorId().orElse(null);
            TransitionResult result = command.execute(
                    new CommandRequest(call.domain(), conversationId, arguments.operatorId()));
            if (result instanceof TransitionResult.Applied applied) {
                actingOperator = applied.actingOperator();
                answer = Answer.ok(call.command());
            } else {
                TransitionResult.Refused refused = (TransitionResult.Refused) result;
                if (refused.actingOperator() != null) {
                    actingOperator = refused.actingOperator();
                }
                answer = Answer.error(call.command(), true, ErrorReason.CANNOT_PERFORM_CMD, refused.detail());
            }
        } catch (ProtocolException e) {
            answer = Answer.error(call.command(), true, e.reason(), e.detail());
        } catch (RuntimeException e) {
            LOG.error("{} {} in domain {} failed unexpectedly", call.transport(), call.command(), call.domain(), e);
            answer = Answer.error(call.command(), true, ErrorReason.INTERNAL_ERROR,
                    "the server failed to carry out the command; it has been logged");
        }
        audit.record(call, answer, conversationId, actingOperator);
        return answer;
    }
}
