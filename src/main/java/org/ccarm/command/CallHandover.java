package org.ccarm.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.ccarm.callcontrol.Actor;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationCodec;
import org.ccarm.callcontrol.ConversationKey;
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
 * <p>A request is a small JSON document: the conversation, the change
 * ({@code hold}/{@code release}) with its operator, instant and actor; the reply the
 * transition's result (the state after, as {@link ConversationCodec} writes it) or the
 * store's unavailability.
 */
public final class CallHandover implements CarriedCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConversationStore store;
    private final String self;
    private final CarriedCalls local;
    private final long timeoutNanos;

    /**
     * @param self    this instance's name, with its incarnation: what the conversations it carries record
     * @param local   the calls this instance carries ({@link CarriedCalls#NONE} without SIP)
     */
    public CallHandover(ConversationStore store, String self, CarriedCalls local, long timeoutMillis) {
        this.store = store;
        this.self = self;
        this.local = local;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** Takes the commands other instances hand over for the calls this one carries. */
    public void serve() {
        store.handovers().serve(self, this::carryOut);
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
            if (owner.isEmpty()) { // ended meanwhile, or the feed's (a race with a restart of the layout): as it stands
                return found.isEmpty() ? CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key))
                        : store.applyAsync(key, transition);
            }
            if (owner.get().equals(self)) {
                // recorded as this instance's, but not among its calls: it is ending (its end is being recorded)
                return CompletableFuture.completedFuture(TransitionResult.noSuchConversation(key));
            }
            return store.handovers().send(owner.get(), request(key, transition), deadline)
                    .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                            StoreUnavailableException.unwrap(failure) instanceof Handovers.Unanswered
                                    ? new Handovers.Unanswered("instance " + owner.get() + ", which carries conversation "
                                    + key.conversationId() + ", did not answer within "
                                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; it may still make the change "
                                    + "(outcome unknown): ask again to know")
                                    : StoreUnavailableException.unwrap(failure)))
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
            ObjectNode request = JSON.createObjectNode().put("domain", key.domain()).put("id", key.conversationId())
                    .put("change", "hang_up");
            return store.handovers().send(owner.get(), request.toString(), deadline).thenApply(reply -> null);
        });
    }

    /** On the owner: a handed-over command, carried out as if it had come here. */
    private CompletionStage<String> carryOut(String request) {
        ConversationKey key;
        Transition transition;
        try {
            JsonNode json = JSON.readTree(request);
            key = new ConversationKey(json.path("domain").asText(), json.path("id").asText());
            if (json.path("change").asText().equals("hang_up")) {
                local.hangUp(key);
                return CompletableFuture.completedFuture(JSON.createObjectNode().put("result", "hung_up").toString());
            }
            transition = transition(json);
        } catch (JsonProcessingException | RuntimeException e) {
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
                ObjectNode reply = JSON.createObjectNode().put("result", "store_unavailable")
                        .put("detail", unavailable.get().getMessage()).put("unknown", unavailable.get().outcomeUnknown());
                return reply.toString();
            }
            return failure(String.valueOf(StoreUnavailableException.unwrap(failure)));
        });
    }

    // ---- the wire ----

    private static String request(ConversationKey key, Transition transition) {
        ObjectNode json = JSON.createObjectNode().put("domain", key.domain()).put("id", key.conversationId());
        Optional<Actor> actor;
        if (transition instanceof Transition.PlaceHold hold) {
            json.put("change", "hold").put("at", hold.at().toEpochMilli());
            hold.operatorId().ifPresent(id -> json.put("operator_id", id));
            actor = hold.actor();
        } else if (transition instanceof Transition.ReleaseHold release) {
            json.put("change", "release");
            release.operatorId().ifPresent(id -> json.put("operator_id", id));
            actor = release.actor();
        } else {
            throw new IllegalArgumentException("only a hold or a release is handed over, not " + transition);
        }
        actor.ifPresent(a -> json.putObject("actor").put("operator_id", a.operatorId()).put("supervisor", a.supervisor()));
        return json.toString();
    }

    private static Transition transition(JsonNode json) {
        Optional<String> operatorId = json.hasNonNull("operator_id") ? Optional.of(json.get("operator_id").asText())
                : Optional.empty();
        JsonNode actorJson = json.path("actor");
        Optional<Actor> actor = actorJson.isObject()
                ? Optional.of(new Actor(actorJson.path("operator_id").asText(), actorJson.path("supervisor").asBoolean()))
                : Optional.empty();
        return switch (json.path("change").asText()) {
            case "hold" -> new Transition.PlaceHold(operatorId, Instant.ofEpochMilli(json.path("at").asLong()), actor);
            case "release" -> new Transition.ReleaseHold(operatorId, actor);
            default -> throw new IllegalArgumentException("no change " + json.path("change"));
        };
    }

    private static String reply(TransitionResult result) {
        if (result instanceof TransitionResult.Applied applied) {
            ObjectNode json = JSON.createObjectNode().put("result", "applied")
                    .put("after", ConversationCodec.encode(applied.after())).put("version", applied.after().version())
                    .put("seq", applied.seq());
            if (applied.actingOperator() != null) {
                json.put("acting", applied.actingOperator());
            }
            return json.toString();
        }
        TransitionResult.Refused refused = (TransitionResult.Refused) result;
        ObjectNode json = JSON.createObjectNode().put("result", "refused").put("refusal", refused.refusal().name())
                .put("detail", refused.detail()).put("version", refused.version());
        if (refused.actingOperator() != null) {
            json.put("acting", refused.actingOperator());
        }
        return json.toString();
    }

    /** A reply saying the owner could not carry the request out (a bug, not a refusal): a 500 where it was asked. */
    private static String failure(String detail) {
        return JSON.createObjectNode().put("result", "error").put("detail", detail).toString();
    }

    private static TransitionResult result(ConversationKey key, String reply) {
        JsonNode json;
        try {
            json = JSON.readTree(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the owner's reply is not JSON: " + reply, e);
        }
        String acting = json.hasNonNull("acting") ? json.get("acting").asText() : null;
        switch (json.path("result").asText()) {
            case "applied": {
                Conversation after = ConversationCodec.decode(key.domain(), key.conversationId(),
                        json.path("version").asLong(), json.path("after").asText());
                return new TransitionResult.Applied(after, acting, json.path("seq").asLong());
            }
            case "refused":
                return new TransitionResult.Refused(Refusal.valueOf(json.path("refusal").asText()),
                        json.path("detail").asText(), acting, json.path("version").asLong());
            case "store_unavailable":
                throw new StoreUnavailableException("the owner of conversation " + key.conversationId() + ": "
                        + json.path("detail").asText(), json.path("unknown").asBoolean(), null);
            default:
                throw new IllegalStateException("the owner of conversation " + key.conversationId() + " failed: "
                        + json.path("detail").asText());
        }
    }
}
