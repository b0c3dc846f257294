package org.ccarm.transport.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ccarm.config.Limits;
import org.ccarm.protocol.ErrorReason;

/**
 * Reads a request body without holding a thread while the client sends it: servlet
 * async I/O, so a thread runs only when bytes have arrived. A client that sends slowly
 * costs a little memory, not a thread of the pool (200 trickling clients took every
 * thread before). The body must arrive within {@link Limits#bodyTimeoutMillis()} and,
 * after its first two seconds, at {@link Limits#minBodyBytesPerSecond()} at least; else
 * 408 {@code request_timeout}. A declared length over the limit is refused before the
 * body is touched: Jetty sends no {@code 100 Continue} until the input is read, so a
 * client that waits for one gets the 413 at once. A body without a length is read up
 * to limit + 1 bytes, enough to know it is too large.
 *
 * <p>Exactly one of the receiver's two methods is called, once, on a container thread;
 * the receiver writes the response and completes the request's async cycle, when one was
 * started (here, or before, by whoever waited for something else first), once it has answered.
 */
final class BodyReader implements ReadListener, AsyncListener {

    /** Who gets the outcome; it writes the response (the request is still open). */
    interface Receiver {
        void body(byte[] body);

        void refused(ErrorReason reason, String detail);
    }

    /** Small bodies come in one or two packets; a rate means something only after a while. */
    private static final long GRACE_NANOS = 2_000_000_000L;

    private final ServletInputStream in;
    private final Receiver receiver;
    private final int limit;
    private final Limits limits;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline; // the body's; cancelled once it is in, or refused

    /** Bodies' deadlines, for every request: one thread that only hands the refusal on. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "body-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        return deadlines;
    }
    private byte[] buffer;
    private int length;

    private BodyReader(ServletInputStream in, Receiver receiver, Limits limits, int initialCapacity) {
        this.in = in;
        this.receiver = receiver;
        this.limit = limits.maxBodyBytes();
        this.limits = limits;
        this.buffer = new byte[initialCapacity];
    }

    /** Starts reading {@code request}'s body; the receiver hears the outcome later, or now when it is known at once. */
    static void read(HttpServletRequest request, Limits limits, Receiver receiver) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limits.maxBodyBytes()) {
            receiver.refused(ErrorReason.BODY_TOO_LARGE, "the body is larger than the limit of " + limits.maxBodyBytes() + " bytes");
            return;
        }
        if (declared == 0) {
            receiver.body(new byte[0]);
            return;
        }
        // Nearly every body is small and came in with its headers: when all of it is already
        // here, take it at once. The async machinery costs a few microseconds a request,
        // measured in the XML row; it is for the bodies that are still on their way.
        ServletInputStream input = request.getInputStream();
        if (declared > 0 && input.available() >= declared) {
            receiver.body(input.readNBytes((int) declared));
            return;
        }
        // The cycle has no timeout of its own: Jetty arms it once and never again, so a body
        // timeout set here would still run while the command waits after the body (and answer
        // Jetty's own 500 over the command's answer). The body's deadline is a task of its own.
        AsyncContext async = AsyncCycles.hold(request);
        int capacity = declared > 0 ? (int) declared + 1 : Math.min(limits.maxBodyBytes() + 1, 4096);
        BodyReader reader = new BodyReader(input, receiver, limits, capacity);
        async.addListener(reader);
        reader.deadline = DEADLINES.schedule(() -> reader.refuse(ErrorReason.REQUEST_TIMEOUT,
                "the body did not arrive within " + limits.bodyTimeoutMillis() + " ms"),
                limits.bodyTimeoutMillis(), TimeUnit.MILLISECONDS);
        input.setReadListener(reader);
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!finished.get() && in.isReady()) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, limit + 1));
            }
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return; // onAllDataRead follows
            }
            length += read;
            if (length > limit) {
                refuse(ErrorReason.BODY_TOO_LARGE, "the body is larger than the limit of " + limit + " bytes");
                return;
            }
        }
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed > GRACE_NANOS && length * 1_000_000_000L / elapsed < limits.minBodyBytesPerSecond()) {
            refuse(ErrorReason.REQUEST_TIMEOUT, "the body arrives slower than " + limits.minBodyBytesPerSecond() + " bytes per second");
        }
    }

    @Override
    public void onAllDataRead() {
        if (finished.compareAndSet(false, true)) {
            cancelDeadline();
            receiver.body(Arrays.copyOf(buffer, length));
        }
    }

    @Override
    public void onError(Throwable failure) {
        if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
            refuse(ErrorReason.REQUEST_TIMEOUT, "the body did not arrive in time");
        } else {
            refuse(ErrorReason.BAD_REQUEST, "the request body could not be read");
        }
    }

    private void cancelDeadline() {
        ScheduledFuture<?> task = deadline;
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        refuse(ErrorReason.REQUEST_TIMEOUT, "the body did not arrive within " + limits.bodyTimeoutMillis() + " ms");
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable() == null ? new IOException("failed") : event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // the outcome has been delivered
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }

    private void refuse(ErrorReason reason, String detail) {
        if (finished.compareAndSet(false, true)) {
            cancelDeadline();
            receiver.refused(reason, detail);
        }
    }
}
