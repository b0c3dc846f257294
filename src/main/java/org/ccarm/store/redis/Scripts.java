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
     * Records one event in the domain's stream; prefixed to every script that changes a
     * conversation, so the change and its event are one script, atomic. The stream's
     * entries have explicit ids {@code <seq>-0}; a stream whose epoch key is gone (a new
     * Redis, a flushed one) starts over with the candidate epoch the caller sends, so seqs
     * and epoch always go together. Trimmed approximately to {@code maxlen} entries.
     * Arguments: the keys of seq, stream and epoch, then the candidate epoch, maxlen, and the
     * event's conversation, status, operator ('' for none), time (epoch ms), operators, and
     * the operators the conversation had before ('' unless a replacement changed them: the
     * reader takes those not among its operators now as the ones it removed).
     */
    private static final String RECORD_EVENT = """
            local function record(seqKey, streamKey, epochKey, candidate, maxlen, conv, status, op, at, ops, former)
              local epoch = redis.call('GET', epochKey)
              if not epoch then
                epoch = candidate
                redis.call('DEL', seqKey, streamKey)
                redis.call('SET', epochKey, epoch)
              end
              local seq = redis.call('INCR', seqKey)
              if former == '' then
                redis.call('XADD', streamKey, 'MAXLEN', '~', maxlen, seq .. '-0',
                  'e', epoch, 'c', conv, 's', status, 'o', op, 't', at, 'p', ops)
              else
                redis.call('XADD', streamKey, 'MAXLEN', '~', maxlen, seq .. '-0',
                  'e', epoch, 'c', conv, 's', status, 'o', op, 't', at, 'p', ops, 'r', former)
              end
              return seq
            end
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * version read, the new version, who holds it ('' for no one), since when, then the
     * event (candidate epoch, maxlen, conversation, status, operator, time, operators).
     * The event's seq when recorded, 0 when the conversation changed (or ended) since it was read.
     */
    static final String COMPARE_AND_SET = RECORD_EVENT + """
            if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
            -- the event first: should it fail, Redis keeps what a script did before the error, and no change
            -- may stand without its event
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], '')
            if ARGV[3] == '' then
              redis.call('HDEL', KEYS[1], 'h', 's')
              redis.call('HSET', KEYS[1], 'v', ARGV[2])
            else
              redis.call('HSET', KEYS[1], 'v', ARGV[2], 'h', ARGV[3], 's', ARGV[4])
            end
            return seq
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * operators, who holds it ('' for no one), since when, then the event as for
     * {@link #COMPARE_AND_SET}. Creates it at version 1 or replaces it one version later:
     * {created, version, seq}.
     */
    static final String PUT = RECORD_EVENT + """
            local old = redis.call('HGET', KEYS[1], 'v')
            local version = 1
            local former = ''
            if old then
              version = tonumber(old) + 1
              -- the operators it had: those it has no more hear that, for them, it ended
              former = redis.call('HGET', KEYS[1], 'o') or ''
              if former == ARGV[1] then former = '' end
            end
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], former)
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'o', ARGV[1], 'v', version)
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'h', ARGV[2], 's', ARGV[3]) end
            if old then return {0, version, seq} end
            return {1, version, seq}
            """;

    /**
     * KEYS[1] the conversation, KEYS[2..4] the domain's seq, stream and epoch; ARGV: the
     * event (candidate epoch, maxlen, conversation, status, time; its operators are the
     * conversation's own). Ends it: {version of that change, seq}, or {-1, 0} when there was none.
     */
    static final String REMOVE = RECORD_EVENT + """
            local old = redis.call('HGET', KEYS[1], 'v')
            if not old then return {-1, 0} end
            local ops = redis.call('HGET', KEYS[1], 'o')
            local seq = record(KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], '', ARGV[5], ops, '')
            redis.call('DEL', KEYS[1])
            return {tonumber(old) + 1, seq}
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
