package org.ccarm.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.ccarm.store.Later;

/**
 * Where the operators, the sessions and the counts of failed logins live: this
 * process's memory, or Redis, shared by every instance (so a session opened on one is
 * accepted by all, and ended on all). Implementations are thread-safe; a shared one
 * throws {@link org.ccarm.store.StoreUnavailableException} when it cannot be reached.
 */
public interface AuthStore extends AutoCloseable {

    /** Creates or replaces an operator; true when created. */
    boolean putOperator(Operator operator);

    /**
     * The operator; empty when the domain has none of that id. A shared store that lost the
     * domain's directory (see {@link #directoryLoaded}) throws
     * {@link org.ccarm.store.StoreUnavailableException} instead: an operator cannot be called
     * unknown before the directory is back.
     */
    Optional<Operator> operator(String domain, String id);

    /** {@link #operator}, answered later, as {@link #touchSessionLater} is. */
    default CompletionStage<Optional<Operator>> operatorLater(String domain, String id) {
        return Later.now(() -> operator(domain, id));
    }

    /** Removes an operator; false when there was none. (The caller ends its sessions.) */
    boolean deleteOperator(String domain, String id);

    /** Loads a domain's operators once ever (as conversations' fixtures are); -1 when they were loaded before. */
    int loadOperatorsOnce(String domain, List<Operator> operators);

    /**
     * Whether the domain's directory has been loaded (its flag is there). A shared store that
     * lost its data (a Redis flushed, or restarted without its files) has lost the flag
     * with the operators: until they are loaded again, no password can be called wrong.
     */
    boolean directoryLoaded(String domain);

    /**
     * Keeps a new session, until {@code idle} passes without use or it expires; but only
     * while its operator's password hash is still {@code checkedHash}, the one the login
     * checked, atomically: a login that raced with the operator's deletion or a new
     * password opens nothing. False when it did not.
     */
    boolean createSession(Session session, Duration idle, String checkedHash);

    /**
     * The session of this token hash when it is alive at {@code now}, its idle time
     * restarted; empty when there is none (never was, ended, or expired).
     */
    Optional<Session> touchSession(String domain, String tokenHash, Instant now, Duration idle);

    /**
     * {@link #touchSession}, answered later: a store on the network completes it when the
     * network answers, and no thread waits meanwhile (fails with
     * {@code StoreUnavailableException} as the other throws it). One in this process answers at once.
     */
    default CompletionStage<Optional<Session>> touchSessionLater(String domain, String tokenHash, Instant now,
                                                                 Duration idle) {
        return Later.now(() -> touchSession(domain, tokenHash, now, idle));
    }

    /** The session of this token hash when it is alive at {@code now}, its idle time left as it is. */
    Optional<Session> findSession(String domain, String tokenHash, Instant now, Duration idle);

    /** {@link #findSession}, answered later, as {@link #touchSessionLater} is. */
    default CompletionStage<Optional<Session>> findSessionLater(String domain, String tokenHash, Instant now,
                                                                Duration idle) {
        return Later.now(() -> findSession(domain, tokenHash, now, idle));
    }

    /** Ends a session; false when there was none. */
    boolean endSession(String domain, String tokenHash);

    /** {@link #endSession}, answered later, as {@link #touchSessionLater} is. */
    default CompletionStage<Boolean> endSessionLater(String domain, String tokenHash) {
        return Later.now(() -> endSession(domain, tokenHash));
    }

    /** Ends every session of an operator; returns their token hashes. */
    List<String> endSessionsOf(String domain, String operatorId);

    /**
     * The failed logins counted under each of {@code counters} in their current windows
     * (0 when none is open), in order; read without counting anything.
     */
    List<Attempts> failures(String domain, List<String> counters);

    /** {@link #failures}, answered later, as {@link #touchSessionLater} is. */
    default CompletionStage<List<Attempts>> failuresLater(String domain, List<String> counters) {
        return Later.now(() -> failures(domain, counters));
    }

    /**
     * Counts one more failed login under each of {@code counters}, each in a fixed window of
     * {@code window} that starts with its first failure; the counts including this one.
     * Only a password check that failed is counted: a login refused, busy or unanswered
     * for any other reason counts nothing.
     */
    List<Attempts> countFailure(String domain, List<String> counters, Duration window);

    /**
     * Changes an operator's SIP registrations and answers those alive at {@code now}, the most
     * recently registered first: {@code removeAll} first, then {@code remove} (contacts), then
     * {@code add} (a contact registered again replaces its binding). Expired bindings are gone,
     * and of more than {@link #MAX_BINDINGS} the least recently registered.
     * Answered later, as {@link #endSessionLater}; putting or deleting the operator removes them.
     */
    CompletionStage<List<Binding>> registerLater(String domain, String operatorId, List<Binding> add, List<String> remove,
                                                 boolean removeAll, Instant now);

    /** The bindings an operator keeps at most; past it, the least recently registered are dropped. */
    int MAX_BINDINGS = 10;

    /** The operator's live registrations, the most recent first. */
    default CompletionStage<List<Binding>> bindingsLater(String domain, String operatorId, Instant now) {
        return registerLater(domain, operatorId, List.of(), List.of(), false, now);
    }

    /** Whether the store can be reached now (always, in memory). */
    boolean isReachable();

    /** Forgets what has expired by {@code now} (a store whose keys expire by themselves does nothing). */
    void purgeExpired(Instant now, Duration idle);

    /**
     * Hears of every session ended by logout or by its operator's deletion, on this
     * instance or (with a shared store) another: its token hash. (Expiry is noticed by
     * whoever holds a session, by asking.)
     */
    void onSessionEnded(Consumer<String> listener);

    /** Attempts in a window, and how long the window has left. */
    record Attempts(long count, long millisLeft) {}

    @Override
    void close();
}
