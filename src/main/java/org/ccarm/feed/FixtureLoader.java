package org.ccarm.feed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.store.ConversationStore;

/**
 * Loads a domain's starting conversations from a JSON file (or a resource packed in
 * the jar): an array of feed conversations, each with its {@code id}. A bad fixture
 * stops the server at start with the entry at fault named, rather than serving half of it.
 */
public final class FixtureLoader {

    private final ConversationJson json;

    public FixtureLoader(ConversationJson json) {
        this.json = json;
    }

    /** Puts every conversation of {@code fixture} into {@code store}; returns how many. */
    public int load(String domain, URL fixture, ConversationStore store) throws IOException {
        List<Conversation> conversations;
        try (InputStream in = fixture.openStream()) {
            conversations = json.readFixture(domain, in);
        } catch (InvalidConversationException e) {
            throw new IOException(fixture + ": " + e.getMessage(), e);
        }
        conversations.forEach(store::put);
        return conversations.size();
    }
}
