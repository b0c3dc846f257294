package org.ccarm.store.redis;

/**
 * The Lua scripts of {@link RedisAuthStore}: each keeps a session, its operator and the
 * set of the operator's sessions in step, atomically. Every key a script touches is
 * declared in KEYS, and all of them share the domain's hash tag, so Redis Cluster keeps
 * them in one slot.
 */
final class AuthScripts {

    private AuthScripts() {}

    /**
     * KEYS[1] the session, KEYS[2] its operator's set of sessions, KEYS[3] the operator;
     * ARGV: operator, supervisor (0/1), created and expires (epoch ms), the idle time
     * (ms), the token hash, the password hash the login checked. 1 when created; 0 when
     * the operator is gone or has another password now (nothing is created).
     */
    static final String CREATE_SESSION = """
            if redis.call('HGET', KEYS[3], 'h') ~= ARGV[7] then return 0 end
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
     * KEYS[1] the session, KEYS[2] its operator's set of sessions; ARGV: the operator (as
     * read just before), the token hash, the channel. 1 when it was alive (and is ended
     * and announced).
     */
    static final String END_SESSION = """
            if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[2])
            return 1
            """;

    /**
     * KEYS[1] an operator's set of sessions, then the sessions it held when read;
     * ARGV: the channel, then their token hashes. Ends those still alive and announces
     * them; their hashes.
     */
    static final String END_SESSIONS = """
            local ended = {}
            for i = 2, #KEYS do
              if redis.call('DEL', KEYS[i]) == 1 then
                ended[#ended + 1] = ARGV[i]
                redis.call('PUBLISH', ARGV[1], ARGV[i])
              end
              redis.call('SREM', KEYS[1], ARGV[i])
            end
            return ended
            """;

    /**
     * KEYS[1] the domain's "operators loaded" flag, KEYS[2] the operator. {'lost'} when the
     * flag is gone (Redis lost its data), else {'ok', field, value, ...} of the operator's hash.
     */
    static final String OPERATOR = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {'lost'} end
            local read = redis.call('HGETALL', KEYS[2])
            table.insert(read, 1, 'ok')
            return read
            """;

    /** KEYS the counters; ARGV: the window (ms). One more failure on each: {count, ms left of its window} per counter. */
    static final String COUNT_FAILURE = """
            local counted = {}
            for i = 1, #KEYS do
              local count = redis.call('INCR', KEYS[i])
              if count == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
              local left = redis.call('PTTL', KEYS[i])
              if left < 0 then
                redis.call('PEXPIRE', KEYS[i], ARGV[1])
                left = tonumber(ARGV[1])
              end
              counted[#counted + 1] = count
              counted[#counted + 1] = left
            end
            return counted
            """;

    /** KEYS the counters. {count, ms left of its window} per counter, 0s where none is open; counts nothing. */
    static final String FAILURES = """
            local counted = {}
            for i = 1, #KEYS do
              local count = tonumber(redis.call('GET', KEYS[i]) or '0')
              local left = 0
              if count > 0 then left = redis.call('PTTL', KEYS[i]) end
              counted[#counted + 1] = count
              counted[#counted + 1] = left
            end
            return counted
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

    /**
     * KEYS[1] the operator's registrations (a hash: contact -> "expires:registered", epoch
     * ms); ARGV: now, '1' to remove them all first, the number n of contacts to remove, those
     * n contacts, then triples of contact, expires and registered to add, and last the
     * most bindings kept. Answers the live bindings, the most recent first, as contact, value
     * pairs; the expired are removed, and past the most the least recent; the key expires
     * with the last of them.
     */
    static final String REGISTER = """
            local now = tonumber(ARGV[1])
            if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
            local i = 4
            for k = 1, tonumber(ARGV[3]) do redis.call('HDEL', KEYS[1], ARGV[i]); i = i + 1 end
            while i + 2 < #ARGV do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ':' .. ARGV[i + 2]); i = i + 3
            end
            local all = redis.call('HGETALL', KEYS[1])
            local entries = {}
            for j = 1, #all, 2 do
              local expires, registered = string.match(all[j + 1], '^(%d+):(%d+)$')
              if tonumber(expires) <= now then redis.call('HDEL', KEYS[1], all[j]) else
                entries[#entries + 1] = {all[j], all[j + 1], tonumber(expires), tonumber(registered)}
              end
            end
            table.sort(entries, function(a, b) return a[4] > b[4] end)
            local live = {}
            local latest = 0
            for j, entry in ipairs(entries) do
              if j > tonumber(ARGV[#ARGV]) then redis.call('HDEL', KEYS[1], entry[1]) else
                live[#live + 1] = entry[1]; live[#live + 1] = entry[2]
                if entry[3] > latest then latest = entry[3] end
              end
            end
            if latest > 0 then redis.call('PEXPIREAT', KEYS[1], latest) end
            return live
            """;
}
