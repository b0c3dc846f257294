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
     * This instance is alive in the domain for {@code ttlMillis} more (its key there, on the
     * domain's shard, so that a claim checks it atomically); true when it already was (the
     * key had not expired): false on the first refresh, and after a freeze or an outage long
     * enough for others to have found it lost.
     */
    CompletionStage<Boolean> refresh(String domain, String instance, long ttlMillis);

    /** No longer alive in the domain: it stopped (its calls hung up and their ends recorded). */
    CompletionStage<Void> gone(String domain, String instance);

    /** {@code instance} carries the call of conversation {@code id}: {@code dialogs} is what another needs to hang it up. */
    CompletionStage<Void> carried(String domain, String id, String instance, String dialogs);

    /** The call ended (its dialogs are forgotten). */
    CompletionStage<Void> ended(String domain, String id, String instance);

    /** The instances that have carried calls in the domain and were not claimed since. */
    CompletionStage<Set<String>> owners(String domain);

    /** The conversations whose dialogs are kept for {@code instance} in the domain (none once it was claimed). */
    CompletionStage<Set<String>> owned(String domain, String instance);

    /**
     * Takes over the calls {@code instance} carries in the domain if it is not alive there,
     * atomically and once: the first to ask after its key expired gets them (conversation id
     * to dialogs, forgotten here); anyone else, or anyone while it is alive, gets empty.
     */
    CompletionStage<Optional<Map<String, String>>> claim(String domain, String instance);
}
