package org.ccarm.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id, on a small pool of its own: a hash takes tens of milliseconds by design, and
 * must never hold the threads that serve other clients. The pool has as many threads as
 * half the processors (at least one) and a bounded queue; a login that finds the queue
 * full is refused rather than queued without end.
 *
 * <p>Parameters: 19 MiB of memory, 2 passes, 1 lane (OWASP's recommendation for
 * Argon2id). Hashes carry their parameters, so older ones keep verifying if these change.
 */
public final class PasswordHashing implements AutoCloseable {

    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** How every hash made here starts: the algorithm and its parameters. */
    public static final String HASH_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$";

    private final ThreadPoolExecutor pool;
    private final String dummyHash;

    public PasswordHashing(int queue) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread thread = new Thread(r, "password-hashing");
            thread.setDaemon(true);
            return thread;
        });
        dummyHash = hashNow("a password no operator has, checked so that an unknown operator costs the same time");
    }

    /** A new salted hash of {@code password}, in the PHC string format. */
    public CompletableFuture<String> hash(String password) {
        return CompletableFuture.supplyAsync(() -> hashNow(password), pool);
    }

    /** Whether {@code password} matches {@code hash}; with a null hash, the dummy's work and false. */
    public CompletableFuture<Boolean> verify(String password, String hash) {
        return CompletableFuture.supplyAsync(() -> {
            boolean matches = Password.check(password, hash == null ? dummyHash : hash)
                    .with(hash == null ? ARGON2 : Argon2Function.getInstanceFromHash(hash));
            return hash != null && matches;
        }, pool);
    }

    /** Hashes on the caller's thread: for tools and start-up, never for a request. */
    public static String hashNow(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
