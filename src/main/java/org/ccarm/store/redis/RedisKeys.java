package org.ccarm.store.redis;

import org.ccarm.callcontrol.ConversationKey;

/**
 * The store's keys. Every key of one domain shares the hash tag {@code {<domain>}}, so a
 * script may touch several of them at once (a conversation, later the domain's event
 * sequence and stream) and Redis Cluster can still shard by domain. Domain names are
 * URL path segments without braces, so the tag is always the domain itself.
 */
final class RedisKeys {

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** {@code ccarm:{demo}:conv:0647e098a4b48b05}: a hash of the conversation's fields. */
    String conversation(ConversationKey key) {
        return prefix + ":{" + key.domain() + "}:conv:" + key.conversationId();
    }

    /** Set once the domain's fixture has been loaded, ever. */
    String fixtureLoaded(String domain) {
        return prefix + ":{" + domain + "}:fixture-loaded";
    }
}
