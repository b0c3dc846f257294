package org.ccarm.sip;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.store.CallOwners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness among the instances that carry calls (README, "Several instances and SIP"),
 * domain by domain (each domain's keys are on its own shard of a Redis Cluster): every
 * third of {@code sip.owner-ttl-ms} this instance refreshes its key in each domain it
 * serves, and claims the calls of instances whose key there expired, to hang them up from
 * the dialogs they kept ({@link Calls#hangUpLost}). The claim checks the key and takes the
 * calls in one atomic step, so exactly one instance takes them, and none while the owner
 * is alive.
 *
 * <p>In a domain it declares nobody lost until its own refreshes there have been answered
 * for longer than the time to live: a Redis failover, restart or freeze lets every key
 * expire at once, and the instances alive all along have refreshed theirs by then. When its
 * own key had expired (it was frozen, or cut off, that long; it starts counting again
 * then), it checks which of its calls there are still its own and hangs up those another
 * claimed, until a check has gone through.
 */
final class OwnerWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerWatch.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);

    private final CallOwners owners;
    private final Calls calls;
    private final List<String> domains;
    private final long ttlMillis;
    private final ScheduledExecutorService timers;
    private final Executor continuations;
    private final Map<String, Long> answeringSince = new ConcurrentHashMap<>(); // domain: nanoTime of the run of answers
    private final Set<String> refreshedOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> toCheck = ConcurrentHashMap.newKeySet(); // domains whose calls may have been claimed
    private volatile ScheduledFuture<?> ticks;

    OwnerWatch(CallOwners owners, Calls calls, List<String> domains, long ttlMillis, ScheduledExecutorService timers,
               Executor continuations) {
        this.owners = owners;
        this.calls = calls;
        this.domains = List.copyOf(domains);
        this.ttlMillis = ttlMillis;
        this.timers = timers;
        this.continuations = continuations;
    }

    void start() {
        ticks = timers.scheduleWithFixedDelay(() -> domains.forEach(this::tick), 0, ttlMillis / 3, TimeUnit.MILLISECONDS);
    }

    private void tick(String domain) {
        owners.refresh(domain, calls.instance(), ttlMillis).whenCompleteAsync((wasAlive, failure) -> {
            if (failure != null) {
                answeringSince.remove(domain); // the store did not answer: nobody is declared lost for a while
                LIMITED.warn("sip-alive", "this instance's liveness in domain " + domain + " could not be refreshed: "
                        + failure, null);
                return;
            }
            long now = System.nanoTime();
            if (!wasAlive) {
                answeringSince.put(domain, now); // not watching meanwhile either: count again from now
                if (!refreshedOnce.add(domain)) {
                    toCheck.add(domain); // presumed lost meanwhile: what others claimed is hung up here too
                }
            } else {
                answeringSince.putIfAbsent(domain, now);
            }
            if (toCheck.contains(domain)) {
                owners.owned(domain, calls.instance()).thenAcceptAsync(stillOwned -> {
                    calls.hangUpClaimedElsewhere(domain, stillOwned);
                    toCheck.remove(domain);
                }, continuations);
            }
            Long since = answeringSince.get(domain);
            if (since != null && now - since > TimeUnit.MILLISECONDS.toNanos(ttlMillis)) {
                lookForLost(domain);
            }
        }, continuations);
    }

    private void lookForLost(String domain) {
        owners.owners(domain).thenAccept(instances -> {
            for (String other : instances) {
                if (!other.equals(calls.instance())) {
                    owners.claim(domain, other).thenAcceptAsync(claimed -> claimed.ifPresent(lost -> {
                        if (!lost.isEmpty()) {
                            LOG.warn("instance {} is lost (its liveness in domain {} expired): hanging up its {} call(s)",
                                    other, domain, lost.size());
                        }
                        lost.forEach((id, dialogs) -> calls.hangUpLost(domain, id, dialogs, other));
                    }), continuations);
                }
            }
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                LIMITED.warn("sip-lost", "looking for lost instances in domain " + domain + " failed: " + failure, null);
            }
        });
    }

    /** Stops refreshing; this instance is no longer alive (its calls were hung up first). */
    @Override
    public void close() {
        ScheduledFuture<?> running = ticks;
        if (running != null) {
            running.cancel(false);
        }
        for (String domain : domains) {
            try {
                owners.gone(domain, calls.instance()).toCompletableFuture().get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("the liveness key in {} was not removed (it expires by itself): {}", domain, e.toString());
            }
        }
    }
}
