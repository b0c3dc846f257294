package org.ccarm.callcontrol;

import java.util.Objects;

/** Names one conversation: conversations belong to exactly one domain (tenant). */
public record ConversationKey(String domain, String conversationId) {

    public ConversationKey {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(conversationId, "conversationId");
    }

    @Override
    public String toString() {
        return domain + "/" + conversationId;
    }
}
