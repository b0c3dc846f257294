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
 * {@link CallOwners} in Redis: {@code <prefix>:sip:alive:<instance>} expires unless
 * refreshed; per domain (hash tag {@code {domain}}) a set of the instances carrying calls
 * and, per instance, a hash of its calls' dialogs. A claim is one script on the domain's
 * shard: removing the instance from the set is what only one claimer can do.
 */
final class RedisCallOwners implements CallOwners {

    /** KEYS[1] the domain's owners, KEYS[2] the instance's calls there; ARGV[1] the instance. {1, id, dialogs, ...} or {0}. */
    private static final String CLAIM = """
            if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return {0} end
            local calls = redis.call('HGETALL', KEYS[2])
            redis.call('DEL', KEYS[2])
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
    public CompletionStage<Boolean> refresh(String instance, long ttlMillis) {
        return RedisLink.later(redis.setGet(keys.sipAlive(instance), "1", SetArgs.Builder.px(ttlMillis)), link.deadline(), true)
                .thenApply(before -> before != null);
    }

    @Override
    public CompletionStage<Void> gone(String instance) {
        return RedisLink.later(redis.del(keys.sipAlive(instance)), link.deadline(), true).thenApply(deleted -> null);
    }

    @Override
    public CompletionStage<Boolean> isAlive(String instance) {
        return RedisLink.later(redis.exists(keys.sipAlive(instance)), link.deadline(), false).thenApply(n -> n > 0);
    }

    @Override
    public CompletionStage<Void> carried(String domain, String id, String instance, String dialogs) {
        long deadline = link.deadline();
        var listed = RedisLink.later(redis.sadd(keys.sipOwners(domain), instance), deadline, true);
        return RedisLink.later(redis.hset(keys.sipOwned(domain, instance), id, dialogs), deadline, true)
                .thenCombine(listed, (a, b) -> null);
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
    public CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance) {
        return link.<List<Object>>scriptLater(CLAIM, ScriptOutputType.MULTI, link.deadline(),
                new String[] {keys.sipOwners(domain), keys.sipOwned(domain, instance)}, instance).thenApply(reply -> {
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
