package org.ccarm.command;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Actor;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.LengthPrefixed;
import org.ccarm.callcontrol.Refusal;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * The calls of every instance sharing the store: those this instance carries
 * ({@code local}), and the others, whose commands it hands to the instance that carries
 * them (the conversation's {@link Conversation#owner}) through the store's
 * {@link Handovers}. The owner changes the media and records the change as if the command
 * had come to it, and its result comes back as the answer; no answer within
 * {@code sip.handover-timeout-ms} of the request's arrival is {@link Handovers.Unanswered}
 * (503 {@code owner_unavailable}).
 *
 * <p>A request is a few named fields ({@link LengthPrefixed}): the conversation, the change
 * ({@code hold}, {@code release}, {@code hang_up}) with its operator, instant and actor, and
 * when it expires (a frozen owner that reads it later drops it); the reply the transition's
 * result (the state after, as {@link ConversationCodec} writes it) or the store's
 * unavailability. The owner takes nothing on trust it can check: fields must be there and
 * well formed, and it carries out only changes of calls it carries.
 */
public final class CallHandover implements CarriedCalls {

    private final ConversationStore store;
    private final String self;
    private final CarriedCalls local;
    private final long timeoutNanos;
    private final Handovers handovers;
    private final Executor continuations;

    /**
     * Opens the store's hand-overs now (a connection of their own, on Redis), so that no
     * request's thread ever waits for it.
     *
     * @param self          this instance's name, with its incarnation: what the conversations it carries record
     * @param local         the calls this instance carries ({@link CarriedCalls#NONE} without SIP)
     * @param continuations where a handed-over command is carried out (never the store client's own threads)
     */
    public CallHandover(ConversationStore store, String self, CarriedCalls local, long timeoutMillis,
                        Executor continuations) {
        this.store = store;
        this.self = self;
        this.local = local;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.continuations = continuations;
        this.handovers = store.handovers();
    }

    /** Takes the commands other instances hand over for the calls this one carries. */
    public void serve() {
        handovers.serve(self, request -> CompletableFuture.supplyAsync(() -> carryOut(request), continuations)
                .thenCompose(reply -> reply).exceptionally(failure -> failure("the owner failed: "
                        + StoreUnavailableException.unwrap(failure))));
    }

    @Override
    public Optional<CarriedCall> call(ConversationKey key) {
        return local.call(key);
    }

    @Override
    public CompletionStage<TransitionResult> handOver(ConversationKey key, Transition transition, long arrivedNanos) {
        long deadline = arrivedNanos + timeoutNanos;
        return store.findLater(key).thenCompose(found -> {
            Optional<String> owner = found.flatMap(Conversation::owner);
            if (owner.isEmpty()) { // ended meanwhile (or never a carried call): answered as the conversation stands
                return found.isEmpty() ? CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key))
                        : store.applyAsync(key, transition);
            }
            if (owner.get().equals(self)) {
                // recorded as this instance's, but not among its calls: it is ending (its end is being recorded)
                return CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key));
            }
            return handovers.send(owner.get(), request(key, transition, expiresAt(deadline)), deadline)
                    .exceptionallyCompose(failure -> CompletableFuture.failedFuture(unanswered(owner.get(), key, failure)))
                    .thenApply(reply -> result(key, reply));
        });
    }

    @Override
    public boolean hangUp(ConversationKey key) {
        return local.hangUp(key);
    }

    /**
     * The switch feed ends a conversation: its call hung up here, or by the instance that
     * carries it (handed over like a command); completes when done, or failed
     * {@link Handovers.Unanswered} when that instance does not answer in time.
     */
    public CompletionStage<Void> hangUpAnywhere(ConversationKey key) {
        if (local.hangUp(key)) {
            return CompletableFuture.completedFuture(null);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        return store.findLater(key).thenCompose(found -> {
            Optional<String> owner = found.flatMap(Conversation::owner);
            if (owner.isEmpty() || owner.get().equals(self)) {
                return CompletableFuture.completedFuture(null); // no call, or one ending here already
            }
            Map<String, String> request = new LinkedHashMap<>();
            request.put("domain", key.domain());
            request.put("id", key.conversationId());
            request.put("expires_at", Long.toString(expiresAt(deadline)));
            request.put("change", "hang_up");
            return handovers.send(owner.get(), LengthPrefixed.ofFields(request), deadline)
                    .exceptionallyCompose(failure -> CompletableFuture.failedFuture(unanswered(owner.get(), key, failure)))
                    .thenApply(reply -> null);
        });
    }

    /** What an owner's silence says: who it was, and that the outcome is unknown. */
    private Throwable unanswered(String owner, ConversationKey key, Throwable failure) {
        Throwable cause = StoreUnavailableException.unwrap(failure);
        return cause instanceof Handovers.Unanswered ? new Handovers.Unanswered("instance " + owner + ", which carries "
                + "conversation " + key.conversationId() + ", did not answer within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; it may still make the change (outcome unknown): "
                + "ask again to know") : cause;
    }

    /** On the owner: a handed-over command, carried out as if it had come here. */
    private CompletionStage<String> carryOut(String request) {
        ConversationKey key;
        Transition transition;
        Map<String, String> fields;
        try {
            fields = LengthPrefixed.fields(request);
            if (Long.parseLong(required(fields, "expires_at")) < System.currentTimeMillis()) {
                // answered owner_unavailable where it was asked already (a frozen owner reading its backlog): not made
                return new CompletableFuture<>();
            }
            key = new ConversationKey(required(fields, "domain"), required(fields, "id"));
            if (required(fields, "change").equals("hang_up")) {
                local.hangUp(key);
                return CompletableFuture.completedFuture(reply("hung_up", Map.of()));
            }
            transition = transition(fields);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure("not a hand-over: " + e.getMessage()));
        }
        Optional<CarriedCall> call = local.call(key);
        CompletionStage<TransitionResult> done = call.isEmpty()
                ? CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key)) // it ended here
                : call.get().change(transition, checked -> store.applyAsync(key, checked));
        return done.handle((result, failure) -> {
            if (failure == null) {
                return reply(result);
            }
            Optional<StoreUnavailableException> unavailable = StoreUnavailableException.in(failure);
            if (unavailable.isPresent()) {
                return reply("store_unavailable", Map.of("detail", String.valueOf(unavailable.get().getMessage()),
                        "unknown", Boolean.toString(unavailable.get().outcomeUnknown())));
            }
            return failure(String.valueOf(StoreUnavailableException.unwrap(failure)));
        });
    }

    // ---- the wire ----

    private static String request(ConversationKey key, Transition transition, long expiresAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("domain", key.domain());
        fields.put("id", key.conversationId());
        fields.put("expires_at", Long.toString(expiresAt));
        Optional<Actor> actor;
        if (transition instanceof Transition.PlaceHold hold) {
            fields.put("change", "hold");
            fields.put("at", Long.toString(hold.at().toEpochMilli()));
            hold.operatorId().ifPresent(id -> fields.put("operator_id", id));
            actor = hold.actor();
        } else if (transition instanceof Transition.ReleaseHold release) {
            fields.put("change", "release");
            release.operatorId().ifPresent(id -> fields.put("operator_id", id));
            actor = release.actor();
        } else {
            throw new IllegalArgumentException("only a hold or a release is handed over, not " + transition);
        }
        actor.ifPresent(a -> {
            fields.put("actor", a.operatorId());
            fields.put("supervisor", Boolean.toString(a.supervisor()));
        });
        return LengthPrefixed.ofFields(fields);
    }

    /** The wall-clock instant a request expires at, from its deadline on this instance's monotonic clock. */
    private static long expiresAt(long deadlineNanos) {
        return System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + name);
        }
        return value;
    }

    private static Transition transition(Map<String, String> fields) {
        Optional<String> operatorId = fields.containsKey("operator_id") ? Optional.of(required(fields, "operator_id"))
                : Optional.empty();
        Optional<Actor> actor = fields.containsKey("actor")
                ? Optional.of(new Actor(required(fields, "actor"), Boolean.parseBoolean(fields.get("supervisor"))))
                : Optional.empty();
        return switch (required(fields, "change")) {
            case "hold" -> new Transition.PlaceHold(operatorId, Instant.ofEpochMilli(Long.parseLong(required(fields, "at"))),
                    actor);
            case "release" -> new Transition.ReleaseHold(operatorId, actor);
            default -> throw new IllegalArgumentException("no change " + fields.get("change"));
        };
    }

    private static String reply(TransitionResult result) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (result instanceof TransitionResult.Applied applied) {
            fields.put("after", ConversationCodec.encode(applied.after()));
            fields.put("version", Long.toString(applied.after().version()));
            fields.put("seq", Long.toString(applied.seq()));
            if (applied.actingOperator() != null) {
                fields.put("acting", applied.actingOperator());
            }
            return reply("applied", fields);
        }
        TransitionResult.Refused refused = (TransitionResult.Refused) result;
        fields.put("refusal", refused.refusal().name());
        fields.put("detail", refused.detail());
        fields.put("version", Long.toString(refused.version()));
        if (refused.actingOperator() != null) {
            fields.put("acting", refused.actingOperator());
        }
        return reply("refused", fields);
    }

    private static String reply(String result, Map<String, String> more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("result", result);
        fields.putAll(more);
        return LengthPrefixed.ofFields(fields);
    }

    /** A reply saying the owner could not carry the request out (a bug, not a refusal): a 500 where it was asked. */
    private static String failure(String detail) {
        return reply("error", Map.of("detail", detail));
    }

    private static TransitionResult result(ConversationKey key, String reply) {
        Map<String, String> fields = LengthPrefixed.fields(reply);
        String acting = fields.get("acting");
        switch (String.valueOf(fields.get("result"))) {
            case "applied": {
                Conversation after = ConversationCodec.decode(key.domain(), key.conversationId(),
                        Long.parseLong(fields.get("version")), fields.get("after"));
                return new TransitionResult.Applied(after, acting, Long.parseLong(fields.get("seq")));
            }
            case "refused":
                return new TransitionResult.Refused(Refusal.valueOf(fields.get("refusal")), fields.get("detail"), acting,
                        Long.parseLong(fields.get("version")));
            case "store_unavailable":
                throw new StoreUnavailableException("the owner of conversation " + key.conversationId() + ": "
                        + fields.get("detail"), Boolean.parseBoolean(fields.get("unknown")), null);
            default:
                throw new IllegalStateException("the owner of conversation " + key.conversationId() + " failed: "
                        + fields.get("detail"));
        }
    }
}
