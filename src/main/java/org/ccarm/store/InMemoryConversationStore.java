package org.ccarm.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;

/**
 * A store in this process's memory: one concurrent map per domain. Transitions run
 * inside {@link ConcurrentMap#computeIfPresent}, which holds the entry's lock, so
 * concurrent transitions of one conversation are serialised and those of different
 * conversations are not.
 */
public final class InMemoryConversationStore implements ConversationStore {

    private final ConcurrentMap<String, ConcurrentMap<String, Conversation>> domains = new ConcurrentHashMap<>();

    @Override
    public Optional<Conversation> find(ConversationKey key) {
        ConcurrentMap<String, Conversation> conversations = domains.get(key.domain());
        return conversations == null ? Optional.empty() : Optional.ofNullable(conversations.get(key.conversationId()));
    }

    @Override
    public PutResult put(Conversation conversation) {
        Conversation previous = domains
                .computeIfAbsent(conversation.domain(), d -> new ConcurrentHashMap<>())
                .put(conversation.id(), conversation);
        return previous == null ? PutResult.CREATED : PutResult.REPLACED;
    }

    @Override
    public boolean remove(ConversationKey key) {
        ConcurrentMap<String, Conversation> conversations = domains.get(key.domain());
        return conversations != null && conversations.remove(key.conversationId()) != null;
    }

    @Override
    public TransitionResult apply(ConversationKey key, Transition transition) {
        ConcurrentMap<String, Conversation> conversations = domains.get(key.domain());
        if (conversations == null) {
            return TransitionResult.noSuchConversation(key);
        }
        TransitionResult[] outcome = new TransitionResult[1];
        conversations.computeIfPresent(key.conversationId(), (id, current) -> {
            TransitionResult result = transition.applyTo(current);
            outcome[0] = result;
            return result instanceof TransitionResult.Applied applied ? applied.after() : current;
        });
        return outcome[0] != null ? outcome[0] : TransitionResult.noSuchConversation(key);
    }

    @Override
    public long size() {
        return domains.values().stream().mapToLong(ConcurrentMap::size).sum();
    }
}
