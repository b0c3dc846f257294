package org.ccarm.store.redis;

/**
 * The Lua scripts of {@link RedisAuthStore}: each keeps a session and the set of its
 * operator's sessions in step, atomically. Every key a script builds shares the hash tag
 * of the keys it was given (one domain), so Redis Cluster keeps them in one slot.
 */
final class AuthScripts {

    private AuthScripts() {}

    /**
     * KEYS[1] the session, KEYS[2] its operator's set of sessions; ARGV: operator,
     * supervisor (0/1), created and expires (epoch ms), the idle time (ms), the hash.
     */
    static final String CREATE_SESSION = """
            redis.call('HSET', KEYS[1], 'o', ARGV[1], 's', ARGV[2], 'c', ARGV[3], 'e', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('SADD', KEYS[2], ARGV[6])
            local left = tonumber(ARGV[4]) - tonumber(ARGV[3])
            if redis.call('PTTL', KEYS[2]) < left then redis.call('PEXPIRE', KEYS[2], left) end
            return 1
            """;

    /**
     * KEYS[1] the session; ARGV: now (epoch ms), the idle time (ms), whether to restart
     * the idle time (1/0). The session's fields {operator, supervisor, created, expires}
     * when alive, else none.
     */
    static final String TOUCH_SESSION = """
            local f = redis.call('HMGET', KEYS[1], 'o', 's', 'c', 'e')
            if not f[1] then return {} end
            local left = tonumber(f[4]) - tonumber(ARGV[1])
            if left <= 0 then
              redis.call('DEL', KEYS[1])
              return {}
            end
            if ARGV[3] == '1' then redis.call('PEXPIRE', KEYS[1], math.min(left, tonumber(ARGV[2]))) end
            return f
            """;

    /**
     * KEYS[1] the session; ARGV: the prefix of operators' session sets (ending in ':'),
     * the token hash, the channel, the message. 1 when it was alive.
     */
    static final String END_SESSION = """
            local o = redis.call('HGET', KEYS[1], 'o')
            if not o then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', ARGV[1] .. o, ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """;

    /**
     * KEYS[1] an operator's set of sessions; ARGV: the prefix of session keys (ending in
     * ':'), the channel. Ends them all; their hashes.
     */
    static final String END_SESSIONS_OF = """
            local hashes = redis.call('SMEMBERS', KEYS[1])
            local ended = {}
            for _, h in ipairs(hashes) do
              if redis.call('DEL', ARGV[1] .. h) == 1 then
                ended[#ended + 1] = h
                redis.call('PUBLISH', ARGV[2], h)
              end
            end
            redis.call('DEL', KEYS[1])
            return ended
            """;

    /** KEYS[1] the counter; ARGV: the window (ms). {count, ms left of the window}. */
    static final String RECORD_FAILURE = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local left = redis.call('PTTL', KEYS[1])
            if left < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              left = tonumber(ARGV[1])
            end
            return {count, left}
            """;

    /** KEYS[1] the counter. {count, ms left of the window}; {0, 0} when none. */
    static final String FAILURES = """
            local count = redis.call('GET', KEYS[1])
            if not count then return {0, 0} end
            return {tonumber(count), redis.call('PTTL', KEYS[1])}
            """;

    /**
     * KEYS[1] the domain's "operators loaded" flag, then one key per operator; ARGV:
     * hash and supervisor (0/1) per operator. The count, or -1 when loaded before.
     */
    static final String LOAD_OPERATORS_ONCE = """
            if redis.call('SETNX', KEYS[1], '1') == 0 then return -1 end
            for i = 2, #KEYS do
              redis.call('HSET', KEYS[i], 'h', ARGV[2 * i - 3], 's', ARGV[2 * i - 2])
            end
            return #KEYS - 1
            """;
}
