package org.ccarm.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.ccarm.store.CallOwners;

/**
 * {@link CallOwners} in Redis, every key of a domain under its hash tag {@code {domain}} so
 * that each step is one script on the domain's shard: per domain an instance's liveness
 * (expires unless refreshed), the set of instances carrying calls and, per instance, a
 * hash of its calls' dialogs. A claim checks the liveness and takes the calls in one
 * script: removing the instance from the set is what only one claimer can do, and only
 * while the instance's key is gone.
 */
final class RedisCallOwners implements CallOwners {

    /** KEYS[1] the domain's owners, KEYS[2] the instance's calls there; ARGV[1] the instance, ARGV[2] its dialogs' id, ARGV[3] them. */
    private static final String CARRIED = """
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            return 1
            """;

    /**
     * KEYS[1] the instance's liveness in the domain, KEYS[2] the domain's owners, KEYS[3] its
     * calls there; ARGV[1] the instance. {1, id, dialogs, ...} when claimed, {0} when alive or
     * claimed already.
     */
    private static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
            if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return {0} end
            local calls = redis.call('HGETALL', KEYS[3])
            redis.call('DEL', KEYS[3])
            local reply = {1}
            for i = 1, #calls do reply[i + 1] = calls[i] end
            return reply
            """;

    private final RedisLink link;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    RedisCallOwners(RedisLink link, RedisKeys keys) {
        this.link = link;
        this.redis = link.commands();
        this.keys = keys;
    }

    @Override
    public CompletionStage<Boolean> refresh(String domain, String instance, long ttlMillis) {
        return RedisLink.later(redis.setGet(keys.sipAlive(domain, instance), "1", SetArgs.Builder.px(ttlMillis)),
                link.deadline(), true).thenApply(before -> before != null);
    }

    @Override
    public CompletionStage<Void> gone(String domain, String instance) {
        return RedisLink.later(redis.del(keys.sipAlive(domain, instance)), link.deadline(), true).thenApply(deleted -> null);
    }

    @Override
    public CompletionStage<Void> carried(String domain, String id, String instance, String dialogs) {
        return link.<Long>scriptLater(CARRIED, ScriptOutputType.INTEGER, link.deadline(),
                new String[] {keys.sipOwners(domain), keys.sipOwned(domain, instance)}, instance, id, dialogs)
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Void> ended(String domain, String id, String instance) {
        return RedisLink.later(redis.hdel(keys.sipOwned(domain, instance), id), link.deadline(), true).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Set<String>> owners(String domain) {
        return RedisLink.later(redis.smembers(keys.sipOwners(domain)), link.deadline(), false);
    }

    @Override
    public CompletionStage<Set<String>> owned(String domain, String instance) {
        return RedisLink.later(redis.hkeys(keys.sipOwned(domain, instance)), link.deadline(), false)
                .thenApply(Set::copyOf);
    }

    @Override
    public CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance) {
        return link.<List<Object>>scriptLater(CLAIM, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.sipAlive(domain, instance), keys.sipOwners(domain), keys.sipOwned(domain, instance)},
                instance).thenApply(reply -> {
                    if (reply.isEmpty() || !Long.valueOf(1).equals(reply.get(0))) {
                        return Optional.empty();
                    }
                    Map<String, String> calls = new HashMap<>();
                    for (int i = 1; i + 1 < reply.size(); i += 2) {
                        calls.put((String) reply.get(i), (String) reply.get(i + 1));
                    }
                    return Optional.of(calls);
                });
    }
}
