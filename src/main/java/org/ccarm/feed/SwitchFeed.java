package org.ccarm.feed;

import java.util.Optional;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.store.ConversationStore;

/**
 * The switch feed's service: the changes the telephone switch reports (a conversation
 * created, replaced or ended) and reads of the current state. Every change of a
 * conversation that is not a command goes through here, whatever transport carried it.
 */
public final class SwitchFeed {

    /** What a report did: created or replaced this conversation. */
    public record Reported(boolean created, Conversation conversation) {}

    private final ConversationStore store;
    private final ConversationJson json;

    public SwitchFeed(ConversationStore store, ConversationJson json) {
        this.store = store;
        this.json = json;
    }

    public Optional<Conversation> find(ConversationKey key) {
        return store.find(key);
    }

    /** Creates or replaces the conversation the JSON body describes; a bad body changes nothing. */
    public Reported report(ConversationKey key, byte[] body) throws InvalidConversationException {
        Conversation conversation = json.read(key.domain(), key.conversationId(), body);
        return new Reported(store.put(conversation) == ConversationStore.PutResult.CREATED, conversation);
    }

    /** Ends a conversation; false when there was none. */
    public boolean end(ConversationKey key) {
        return store.remove(key);
    }

    /** The feed's JSON, for the transport that answers it. */
    public ConversationJson json() {
        return json;
    }
}
