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

    /** The domain's last event seq (a counter). */
    String eventSeq(String domain) {
        return prefix + ":{" + domain + "}:events:seq";
    }

    /** The domain's event stream, entries {@code <seq>-0}. */
    String events(String domain) {
        return prefix + ":{" + domain + "}:events";
    }

    /** The domain's stream epoch: random, chosen when its stream starts. */
    String eventEpoch(String domain) {
        return prefix + ":{" + domain + "}:events:epoch";
    }

    /** The pattern of every conversation key of a domain, for a snapshot's SCAN. */
    String conversationPattern(String domain) {
        return escape(prefix + ":{" + domain + "}:conv:") + "*";
    }

    /** The pattern of every conversation key of every domain. */
    String everyConversationPattern() {
        return escape(prefix) + ":{*}:conv:*";
    }

    /** The conversation a key {@link #conversation} made names. */
    ConversationKey conversationKeyOf(String key) {
        int open = prefix.length() + 2;
        int close = key.indexOf("}:conv:", open);
        return new ConversationKey(key.substring(open, close), key.substring(close + "}:conv:".length()));
    }

    /** Set once the conversations of earlier releases were rewritten in today's layout. */
    String layoutUpgraded() {
        return prefix + ":layout-upgraded";
    }

    private static String escape(String literal) {
        return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /** The conversation id of a key {@link #conversation} made. */
    String conversationIdOf(String domain, String key) {
        return key.substring((prefix + ":{" + domain + "}:conv:").length());
    }

    /** Set once the domain's fixture has been loaded, ever. */
    String fixtureLoaded(String domain) {
        return prefix + ":{" + domain + "}:fixture-loaded";
    }

    /** {@code ccarm:{demo}:op:1001}: an operator's password hash and supervisor flag. */
    String operator(String domain, String id) {
        return prefix + ":{" + domain + "}:op:" + id;
    }

    /** {@code ccarm:{demo}:sip:reg:1001}: an operator's SIP registrations (contact -> expiry). */
    String registrations(String domain, String operatorId) {
        return prefix + ":{" + domain + "}:sip:reg:" + operatorId;
    }

    /** Set once the domain's operators have been loaded, ever. */
    String operatorsLoaded(String domain) {
        return prefix + ":{" + domain + "}:operators-loaded";
    }

    /** {@code ccarm:{demo}:session:<sha-256 of the token>}: a session, expiring by itself when idle. */
    String session(String domain, String tokenHash) {
        return prefix + ":{" + domain + "}:session:" + tokenHash;
    }

    /** The set of an operator's sessions' hashes, to end them all when it is deleted. */
    String operatorSessions(String domain, String id) {
        return prefix + ":{" + domain + "}:op-sessions:" + id;
    }

    /** A count of failed logins in its window. */
    String failures(String domain, String counter) {
        return prefix + ":{" + domain + "}:failures:" + counter;
    }

    /** An instance's liveness in a domain, expiring unless it refreshes it (on the domain's shard, beside its calls). */
    String sipAlive(String domain, String instance) {
        return prefix + ":{" + domain + "}:sip:alive:" + instance;
    }

    /** The instances that carry (or carried) calls in the domain, not yet claimed as lost. */
    String sipOwners(String domain) {
        return prefix + ":{" + domain + "}:sip:owners";
    }

    /** An instance's calls in the domain: conversation id to the dialogs it kept. */
    String sipOwned(String domain, String instance) {
        return prefix + ":{" + domain + "}:sip:owned:" + instance;
    }

    /** What the hand-over channels' names start with (channels are not keys: no hash tag, any node relays them). */
    String handoverPrefix() {
        return prefix;
    }

    /** The channel every instance hears ended sessions on. */
    String sessionEndedChannel() {
        return prefix + ":session-ended";
    }
}
