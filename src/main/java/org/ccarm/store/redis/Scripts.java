package org.ccarm.store.redis;

/**
 * The store's Lua scripts: each a compare-and-set or a whole change, atomic in Redis.
 * None decides a rule of the domain: the transitions decide in Java, and the scripts
 * only record their result if the conversation is still at the version it was read at.
 * Plain EVAL/EVALSHA, so Redis 6.2 (no Functions) runs them.
 */
final class Scripts {

    private Scripts() {}

    /**
     * KEYS[1] the conversation; ARGV: the version read, the new version, who holds it
     * ('' for no one), since when. 1 when recorded, 0 when the conversation changed (or
     * ended) since it was read.
     */
    static final String COMPARE_AND_SET = """
            if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
            if ARGV[3] == '' then
              redis.call('HDEL', KEYS[1], 'h', 's')
              redis.call('HSET', KEYS[1], 'v', ARGV[2])
            else
              redis.call('HSET', KEYS[1], 'v', ARGV[2], 'h', ARGV[3], 's', ARGV[4])
            end
            return 1
            """;

    /**
     * KEYS[1] the conversation; ARGV: the operators, who holds it ('' for no one), since
     * when. Creates it at version 1 or replaces it one version later: {created, version}.
     */
    static final String PUT = """
            local old = redis.call('HGET', KEYS[1], 'v')
            local version = 1
            if old then version = tonumber(old) + 1 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'o', ARGV[1], 'v', version)
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'h', ARGV[2], 's', ARGV[3]) end
            if old then return {0, version} end
            return {1, version}
            """;

    /** KEYS[1] the conversation. Ends it: the version of that change, or -1 when there was none. */
    static final String REMOVE = """
            local old = redis.call('HGET', KEYS[1], 'v')
            if not old then return -1 end
            redis.call('DEL', KEYS[1])
            return tonumber(old) + 1
            """;

    /**
     * KEYS[1] the domain's fixture flag, KEYS[2..] the conversations; ARGV three per
     * conversation: operators, who holds it, since when. Loads the fixture unless it was
     * loaded before (-1), leaving conversations that already exist as they are; returns
     * how many it created.
     */
    static final String LOAD_FIXTURE_ONCE = """
            if redis.call('SET', KEYS[1], '1', 'NX') == false then return -1 end
            local created = 0
            for i = 2, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 0 then
                local a = (i - 2) * 3
                redis.call('HSET', KEYS[i], 'o', ARGV[a + 1], 'v', 1)
                if ARGV[a + 2] ~= '' then redis.call('HSET', KEYS[i], 'h', ARGV[a + 2], 's', ARGV[a + 3]) end
                created = created + 1
              end
            end
            return created
            """;
}
