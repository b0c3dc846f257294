package org.ccarm.command;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ProtocolException;

/**
 * One command of the API, declared once. From this declaration the server routes
 * {@code /<DOMAIN>/service/cc/arm/<name>} and the websocket frames naming it, decodes
 * its {@code in} document against {@code xsd/<name>.xsd} (the build generates the JAXB
 * classes from it), runs it and writes its audit line and answer.
 *
 * @param <A> the command's typed arguments
 */
public interface Command<A> {

    /** The name on the wire, e.g. {@code call_unhold}; also the schema's file name. */
    String name();

    /**
     * Whether the plain shape of its documents (attributes only, printable ASCII, no
     * markup beyond the elements) may be read without a parser, in XML and in the JSON
     * form. Only for commands whose element has string attributes only; the
     * differential tests prove the shortcut equal to the full path for every command
     * that opts in.
     */
    boolean canonicalFastPath();

    /** The typed arguments of a schema-valid document; a 400 for what the schema cannot say. */
    A arguments(CommandInput input) throws ProtocolException;

    /**
     * Whether the command needs a session when authentication is required (every
     * command but login). Without one it is answered 401 before its body is read.
     */
    default boolean requiresSession() {
        return true;
    }

    /**
     * Carries the command out, atomically: it happens, or nothing changes. The outcome may
     * come later: a command that waits on the network (a shared store, the hashing pool)
     * completes it when the network answers, and no server thread waits meanwhile. The
     * dispatcher finishes the call (audit, answer) when it completes.
     */
    CompletionStage<Outcome> executeLater(A arguments, CommandContext context);

    /**
     * Whether the command changes something (a conversation, a session): with a synced
     * audit that cannot be written, such a command is refused before it changes anything.
     */
    default boolean changes() {
        return true;
    }

    /**
     * The outcome of a call that would change something while the audit cannot record it:
     * refused {@code audit_unavailable} without changing anything. A command whose rules can
     * be read without changing anything checks them first (a call they refuse is answered
     * as always), and is refused only if it would have changed something.
     */
    default CompletionStage<Outcome> refuseUnaudited(A arguments, CommandContext context) {
        return CompletableFuture.completedFuture(Outcome.auditUnavailable(null, null));
    }

    /** A command whose outcome is known at once: it never waits on the network. */
    interface AtOnce<A> extends Command<A> {

        /** Carries the command out, atomically, on this thread. */
        Outcome execute(A arguments, CommandContext context);

        @Override
        default CompletionStage<Outcome> executeLater(A arguments, CommandContext context) {
            return CompletableFuture.completedFuture(execute(arguments, context));
        }
    }
}
