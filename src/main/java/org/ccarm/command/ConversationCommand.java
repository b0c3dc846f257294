package org.ccarm.command;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * A command of the conversation shape ({@code conversation_id}, optional
 * {@code operator_id}) that asks the store for one {@link Transition} of that
 * conversation. The transition checks the domain's rules; the store applies it
 * atomically; a refusal is the vendor's {@code cannot_perform_cmd}, but for an operator
 * acting for another without a supervisor's session ({@code not_permitted}).
 */
public final class ConversationCommand implements Command<ConversationArguments> {

    /** Which transition a call asks for. */
    @FunctionalInterface
    public interface TransitionRule {
        Transition transitionFor(ConversationArguments arguments, CommandContext context);
    }

    private final String name;
    private final ConversationStore store;
    private final TransitionRule rule;
    private final CarriedCalls calls;

    public ConversationCommand(String name, ConversationStore store, TransitionRule rule, CarriedCalls calls) {
        this.name = name;
        this.store = store;
        this.rule = rule;
        this.calls = calls;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean canonicalFastPath() {
        return true;
    }

    @Override
    public ConversationArguments arguments(CommandInput input) throws ProtocolException {
        return ConversationArguments.from(input);
    }

    @Override
    public CompletionStage<Outcome> executeLater(ConversationArguments arguments, CommandContext context) {
        long arrived = System.nanoTime();
        ConversationKey key = key(arguments, context);
        Transition transition = rule.transitionFor(arguments, context);
        // a call this server carries changes its media first; a call another instance carries is handed to it;
        // any other conversation is recorded at once
        Optional<CarriedCalls.CarriedCall> call = calls.call(key);
        CompletionStage<TransitionResult> applied = call.isPresent()
                ? call.get().change(transition, checked -> store.applyAsync(key, checked))
                : store.applyAsync(key, new Transition.NotCarriedHere(transition)).thenCompose(result ->
                        result instanceof TransitionResult.Refused refused && refused.refusal() == Refusal.CARRIED_ELSEWHERE
                                ? calls.handOver(key, transition, arrived) : CompletableFuture.completedFuture(result));
        return applied.handle((result, failure) -> {
            if (failure == null) {
                return outcomeOf(arguments, result);
            }
            Optional<StoreUnavailableException> unavailable = StoreUnavailableException.in(failure);
            if (unavailable.isPresent()) {
                return unavailable(arguments, unavailable.get());
            }
            if (StoreUnavailableException.unwrap(failure) instanceof Handovers.Unanswered unanswered) {
                return Outcome.refused(ErrorReason.OWNER_UNAVAILABLE, unanswered.getMessage(), arguments.conversationId(),
                        arguments.operatorId().orElse(null), 0).retryAfter(1);
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }

    /**
     * The rules first, on a read that changes nothing: a call they refuse is answered as
     * always (403); one they would let through is refused {@code audit_unavailable}.
     */
    @Override
    public CompletionStage<Outcome> refuseUnaudited(ConversationArguments arguments, CommandContext context) {
        ConversationKey key = key(arguments, context);
        Transition transition = rule.transitionFor(arguments, context);
        return store.findLater(key).handle((found, failure) -> {
            if (failure != null) {
                Optional<StoreUnavailableException> unavailable = StoreUnavailableException.in(failure);
                if (unavailable.isPresent()) {
                    return unavailable(arguments, unavailable.get());
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            TransitionResult result = found.map(transition::applyTo).orElseGet(() -> TransitionResult.noSuchConversation(key));
            if (result instanceof TransitionResult.Applied applied) {
                return Outcome.auditUnavailable(arguments.conversationId(), applied.actingOperator());
            }
            return outcomeOf(arguments, result);
        });
    }

    private static ConversationKey key(ConversationArguments arguments, CommandContext context) {
        return new ConversationKey(context.domain(), arguments.conversationId());
    }

    private static Outcome unavailable(ConversationArguments arguments, StoreUnavailableException e) {
        return Outcome.refused(ErrorReason.STORE_UNAVAILABLE, StoreUnavailable.detail(e), arguments.conversationId(),
                arguments.operatorId().orElse(null), 0);
    }

    private static Outcome outcomeOf(ConversationArguments arguments, TransitionResult result) {
        String id = arguments.conversationId();
        if (result instanceof TransitionResult.Applied applied) {
            return Outcome.done(id, applied.actingOperator(), applied.after().version(), applied.seq());
        }
        TransitionResult.Refused refused = (TransitionResult.Refused) result;
        String acting = refused.actingOperator() != null ? refused.actingOperator() : arguments.operatorId().orElse(null);
        ErrorReason reason = refused.refusal() == Refusal.NOT_PERMITTED ? ErrorReason.NOT_PERMITTED : ErrorReason.CANNOT_PERFORM_CMD;
        return Outcome.refused(reason, refused.detail(), id, acting, refused.version());
    }
}
