package org.ccarm.sip;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.store.CallOwners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness among the instances that carry calls (README, "Several instances and SIP"):
 * this instance refreshes its key every third of {@code sip.owner-ttl-ms}; and looks, as
 * often, for instances whose key expired, to hang their calls up from the dialogs they
 * kept ({@link Calls#hangUpLost}), each lost instance's calls claimed by exactly one.
 *
 * <p>It declares nobody lost until its own store has answered every refresh for longer
 * than the time to live: a Redis failover, restart or freeze lets every key expire at
 * once, and the instances that were alive all along have refreshed theirs by then. An
 * instance whose own key had expired when it refreshed (it was frozen, or cut off, that
 * long) checks its calls: those another released it hangs up too.
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
    private volatile long answeringSince; // nanoTime since which every refresh was answered; 0: the last one failed
    private volatile boolean refreshedOnce;
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
        ticks = timers.scheduleWithFixedDelay(this::tick, 0, ttlMillis / 3, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        owners.refresh(calls.instance(), ttlMillis).whenCompleteAsync((wasAlive, failure) -> {
            if (failure != null) {
                answeringSince = 0; // the store did not answer: nobody is declared lost for a while
                LIMITED.warn("sip-alive", "this instance's liveness could not be refreshed: " + failure, null);
                return;
            }
            long now = System.nanoTime();
            if (answeringSince == 0) {
                answeringSince = now;
            }
            if (!wasAlive && refreshedOnce) {
                calls.hangUpReleasedElsewhere(); // presumed lost meanwhile: what others released is hung up here too
            }
            refreshedOnce = true;
            if (now - answeringSince > TimeUnit.MILLISECONDS.toNanos(ttlMillis)) {
                domains.forEach(this::lookForLost);
            }
        }, continuations);
    }

    private void lookForLost(String domain) {
        owners.owners(domain).thenAccept(instances -> {
            for (String other : instances) {
                if (other.equals(calls.instance())) {
                    continue;
                }
                owners.isAlive(other).thenCompose(alive -> alive ? CompletableFuture.completedFuture(
                        Optional.<Map<String, String>>empty()) : owners.claim(domain, other))
                        .thenAcceptAsync(claimed -> claimed.ifPresent(lost -> {
                            if (!lost.isEmpty()) {
                                LOG.warn("instance {} is lost (its liveness expired): hanging up its {} call(s) in domain {}",
                                        other, lost.size(), domain);
                            }
                            lost.forEach((id, dialogs) -> calls.hangUpLost(domain, id, dialogs, other));
                        }), continuations);
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
        try {
            owners.gone(calls.instance()).toCompletableFuture().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("the liveness key was not removed (it expires by itself): {}", e.toString());
        }
    }
}
