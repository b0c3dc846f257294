package org.ccarm.store.redis;

/**
 * The store's Lua scripts: each a compare-and-set or a whole change, atomic in Redis.
 * None decides a rule of the domain, and none looks inside a conversation: a conversation
 * is a hash of two fields, {@code v} its version and {@code d} its state as
 * {@link org.ccarm.callcontrol.ConversationCodec} writes it, and the scripts only compare,
 * copy and replace those texts. The transitions decide in Java; a script records their
 * result if the conversation is still in the state (version and text) it was decided on.
 * So a new field of a conversation changes no script. Plain EVAL/EVALSHA, so Redis 6.2
 * (no Functions) runs them.
 */
final class Scripts {

    private Scripts() {}

    /**
     * Records one event in the domain's stream; prefixed to every script that changes a
     * conversation, so the change and its event are one script, atomic. The stream's
     * entries have explicit ids {@code <seq>-0}; a stream whose epoch key is gone (a new
     * Redis, a flushed one) starts over with the candidate epoch the caller sends, so seqs
     * and epoch always go together. Trimmed approximately to {@code maxlen} entries.
     * An entry keeps the epoch, the conversation, the time (epoch ms), the acting operator
     * ('' for none), the states before and after the change ('' for none: created, ended)
     * and the version the change made: the reader computes the event from them.
     */
    private static final String RECORD_EVENT = """
            local function record(seqKey, streamKey, epochKey, candidate, maxlen, conv, at, acting, before, after, version)
              local epoch = redis.call('GET', epochKey)
              if not epoch then
                epoch = candidate
                redis.call('DEL', seqKey, streamKey)
                redis.call('SET', epochKey, epoch)
              end
              local seq = redis.call('INCR', seqKey)
              redis.call('XADD', streamKey, 'MAXLEN', '~', maxlen, seq .. '-0',
                'e', epoch, 'c', conv, 't', at, 'o', acting, 'b', before, 'a', after, 'v', version)
              return seq
            end
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * version and state decided on, the new version and state, then the event's candidate
     * epoch, maxlen, conversation, time and acting operator. {seq} when recorded; when the
     * conversation is no longer in that state, {0, version, state} as it is now, or {0}
     * when it is gone: the caller decides again on that without reading it.
     */
    static final String COMPARE_AND_SET = RECORD_EVENT + """
            local now = redis.call('HMGET', KEYS[1], 'v', 'd')
            if now[1] ~= ARGV[1] or now[2] ~= ARGV[2] then
              if not now[1] then return {0} end
              return {0, now[1], now[2] or ''}
            end
            -- the event first: should it fail, Redis keeps what a script did before the error, and no change
            -- may stand without its event
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[2], ARGV[4], ARGV[3])
            redis.call('HSET', KEYS[1], 'v', ARGV[3], 'd', ARGV[4])
            return {seq}
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * state, then the event's candidate epoch, maxlen, conversation and time. Creates it at
     * version 1 or replaces it one version later: {created, version, seq}.
     */
    static final String PUT = RECORD_EVENT + """
            local now = redis.call('HMGET', KEYS[1], 'v', 'd')
            local version = 1
            local before = ''
            if now[1] then
              version = tonumber(now[1]) + 1
              before = now[2] or ''
            end
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[2], ARGV[3], ARGV[4], ARGV[5], '', before, ARGV[1], version)
            redis.call('HSET', KEYS[1], 'v', version, 'd', ARGV[1])
            if now[1] then return {0, version, seq} end
            return {1, version, seq}
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * event's candidate epoch, maxlen, conversation and time. Ends it: {version of that
     * change, seq}, or {-1, 0} when there was none.
     */
    static final String REMOVE = RECORD_EVENT + """
            local now = redis.call('HMGET', KEYS[1], 'v', 'd')
            if not now[1] then return {-1, 0} end
            local version = tonumber(now[1]) + 1
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], '', now[2] or '', '', version)
            redis.call('DEL', KEYS[1])
            return {version, seq}
            """;

    /**
     * KEYS[1..3] the domain's seq, epoch and stream; ARGV[1] a candidate epoch. The domain's
     * {epoch, last seq}; a domain without an epoch starts its stream over with the candidate.
     */
    static final String POSITION = """
            local epoch = redis.call('GET', KEYS[2])
            if not epoch then
              epoch = ARGV[1]
              redis.call('SET', KEYS[2], epoch)
              redis.call('DEL', KEYS[1], KEYS[3])
            end
            return {epoch, tonumber(redis.call('GET', KEYS[1]) or '0')}
            """;

    /**
     * KEYS[1] the domain's fixture flag, KEYS[2..] the conversations; ARGV the state of each.
     * Loads the fixture unless it was loaded before (-1), leaving conversations that already
     * exist as they are; returns how many it created.
     */
    static final String LOAD_FIXTURE_ONCE = """
            if redis.call('SET', KEYS[1], '1', 'NX') == false then return -1 end
            local created = 0
            for i = 2, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 0 then
                redis.call('HSET', KEYS[i], 'v', 1, 'd', ARGV[i - 1])
                created = created + 1
              end
            end
            return created
            """;

    /**
     * KEYS[1] a conversation in the layout before the state was one text ({@code o}, {@code h},
     * {@code s}, {@code v}); ARGV: its version as read and its state as one text. Rewrites it
     * in today's layout if it is still that version in the old layout: 1 when it did.
     */
    static final String UPGRADE_LAYOUT = """
            if redis.call('HEXISTS', KEYS[1], 'd') == 1 or redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
            return 1
            """;
}
