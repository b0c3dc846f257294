package org.ccarm.events;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.ccarm.callcontrol.Conversation;

/**
 * A store's record of its changes, one stream per domain: every change of a
 * conversation is recorded here atomically with the change itself (an event exists if
 * and only if its change happened), numbered without gaps per domain, and the latest
 * ones are retained for subscribers that resume. Every method may throw the store's
 * {@link org.ccarm.store.StoreUnavailableException}.
 */
public interface EventLog {

    /** Events each domain's stream keeps for subscribers that resume, unless configured otherwise. */
    int DEFAULT_RETAINED = 10_000;

    /** A new epoch: 16 hex digits, random (not secret: it only tells streams apart), so two streams never share one. */
    static String newEpoch() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Where a domain's stream stands: its epoch and the seq of its last event (0: none yet). */
    record Position(String epoch, long lastSeq) {}

    Position position(String domain);

    /**
     * Up to {@code max} retained events of the domain after {@code seq}, in order; empty
     * when they cannot be replayed without a gap: {@code seq} is older than what is
     * retained, newer than the last event, or of another epoch than {@code epoch}.
     */
    Optional<List<ConversationEvent>> after(String domain, String epoch, long seq, int max);

    /**
     * The events recorded after the given positions (domain to the last seq seen), in
     * order per domain, at most {@code max}; waits up to {@code waitMillis} for one when
     * there is none. The one thread of {@link EventHub} calls it in a loop.
     */
    List<ConversationEvent> next(Map<String, Long> positions, int max, long waitMillis) throws InterruptedException;

    /** The domain's conversations now, a batch at a time, for a subscription's snapshot. */
    Iterator<List<Conversation>> snapshot(String domain);
}
