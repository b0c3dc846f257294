package org.ccarm.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The instances that carry SIP calls, and what each keeps in the store of its calls'
 * dialogs, so that when one is lost (killed, its machine gone) another can hang its calls
 * up (README, "Several instances and SIP"). An instance proves it is alive by refreshing a
 * key that expires; its calls are listed per domain, so that on Redis Cluster each
 * domain's part stays on the domain's shard. Every method answers later, failing with
 * {@link StoreUnavailableException}.
 */
public interface CallOwners {

    /**
     * This instance is alive for {@code ttlMillis} more; true when it already was (its key
     * had not expired): false on the first refresh, and after a freeze or a store outage
     * long enough for others to have found it lost.
     */
    CompletionStage<Boolean> refresh(String instance, long ttlMillis);

    /** No longer alive: it stopped (its calls hung up and their ends recorded). */
    CompletionStage<Void> gone(String instance);

    /** Whether the instance's key is there (it refreshed within its time to live). */
    CompletionStage<Boolean> isAlive(String instance);

    /** {@code instance} carries the call of conversation {@code id}: {@code dialogs} is what another needs to hang it up. */
    CompletionStage<Void> carried(String domain, String id, String instance, String dialogs);

    /** The call ended (its dialogs are forgotten). */
    CompletionStage<Void> ended(String domain, String id, String instance);

    /** The instances that have carried calls in the domain and were not claimed since. */
    CompletionStage<Set<String>> owners(String domain);

    /**
     * Takes over the calls {@code instance} carries in the domain, once: the first to ask
     * gets them (conversation id to dialogs, forgotten here), any other empty, so exactly
     * one instance hangs them up however many noticed the loss.
     */
    CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance);
}
