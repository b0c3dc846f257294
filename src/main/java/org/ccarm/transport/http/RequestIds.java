package org.ccarm.transport.http;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Request ids: the client's {@code X-Request-Id} when it is sane (1 to 64 characters of
 * {@code [A-Za-z0-9._-]}, so it can go into a log line as it is), else a new one: this
 * process's random prefix and a counter, unique across instances and cheap to make.
 */
public final class RequestIds {

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        this.prefix = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    }

    /** The id to use for a request that came with {@code fromClient} (null when it had none). */
    public String forRequest(String fromClient) {
        return fromClient != null && SANE.matcher(fromClient).matches() ? fromClient : next();
    }

    public String next() {
        return prefix + "-" + Long.toString(counter.incrementAndGet(), 36);
    }
}
