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

    /**
     * Loads {@code fixture} into {@code store}, once ever for a shared store (see
     * {@link ConversationStore#loadFixtureOnce}); returns how many conversations it
     * created, or -1 when the domain's fixture had been loaded before.
     */
    public int load(String domain, URL fixture, ConversationStore store) throws IOException {
        List<Conversation> conversations;
        try (InputStream in = fixture.openStream()) {
            conversations = json.readFixture(domain, in);
        } catch (InvalidConversationException e) {
            throw new IOException(fixture + ": " + e.getMessage(), e);
        }
        return store.loadFixtureOnce(domain, conversations);
    }
}
