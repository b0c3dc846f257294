package org.ccarm.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.store.ConversationStore;

/**
 * Loads a domain's starting conversations from a JSON file: an array of feed
 * conversations, each with its {@code id}. A bad fixture stops the server at start
 * with the entry at fault named, rather than serving half of it.
 */
public final class FixtureLoader {

    private final ObjectMapper mapper;
    private final ConversationJson json;

    public FixtureLoader(ObjectMapper mapper, ConversationJson json) {
        this.mapper = mapper;
        this.json = json;
    }

    /** Puts every conversation of {@code file} into {@code store}; returns how many. */
    public int load(String domain, Path file, ConversationStore store) throws IOException {
        JsonNode root = mapper.readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + ": a fixture must be a JSON array of conversations");
        }
        List<Conversation> conversations = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : root) {
            if (!entry.isObject()) {
                throw new IOException(file + ": entry " + index + " must be a JSON object");
            }
            JsonNode id = entry.get("id");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw new IOException(file + ": entry " + index + " needs a non-empty string id");
            }
            ObjectNode fields = entry.deepCopy();
            fields.remove("id");
            try {
                conversations.add(json.fromNode(domain, id.asText(), fields));
            } catch (InvalidConversationException e) {
                throw new IOException(file + ": entry " + index + " (" + id.asText() + "): " + e.getMessage(), e);
            }
            index++;
        }
        conversations.forEach(store::put);
        return conversations.size();
    }
}
