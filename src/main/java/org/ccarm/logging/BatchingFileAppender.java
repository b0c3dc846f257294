package org.ccarm.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends lines to a file from a background thread, in batches: one write per batch,
 * at most {@code flushIntervalMillis} after a line was logged.
 *
 * <p>Why not Logback's AsyncAppender: its worker blocks on the queue, so every event
 * wakes it (a futex call and a context switch per line), which on a two-core machine
 * cost more than the rest of a request. Here the request thread formats its line and
 * queues it without waking anyone; the writer wakes on its own clock. When the queue
 * is full the request thread waits for room: lines are never dropped.
 *
 * <p>Two durabilities ({@link AuditDurability}): {@code batched} returns as soon as the
 * line is queued, so a crash (kill -9, power) loses the last batch; {@code synced}
 * returns only once the line is on disk: the writer forces each batch to the device
 * and then releases every caller whose line it held (group commit, as databases do),
 * so the cost of one fsync is shared by a whole batch.
 *
 * <p>Rotation: when a batch would take the file past {@code maxFileSize}, or the day
 * (UTC) has changed since the file was opened, the writer closes the file, renames it
 * with its day and a counter, and opens a new one before writing the batch; another
 * thread compresses the old file and deletes the oldest beyond {@code maxHistory}. The
 * writer rotates between batches only, so a line is never split, and the queue keeps
 * taking lines meanwhile, so none is lost. (Logback's rolling policies belong to its
 * RollingFileAppender, whose per-event locking and flushing this appender exists to
 * avoid.) A file that is not a regular file (a device, a pipe) is never rotated.
 *
 * <p>A write that fails (a full disk, an I/O error) is not a line dropped as if it were on
 * disk: the appender is {@link #failing()} until a write succeeds again, keeps the lines
 * it could not write (up to {@link #MAX_RETAINED} of them, the rest counted as lost) and
 * tries them again every second, before anything newer; the file is cut back to its last
 * whole line first, so a half-written batch leaves no broken line. A synced caller whose
 * line failed learns it from {@link #lastLineKept()}; failures are counted and logged at
 * most once a minute.
 */
public final class BatchingFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** The most lines kept for another try while the file cannot be written. */
    static final int MAX_RETAINED = 100_000;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final RateLimitedLog FAILURES = new RateLimitedLog(
            org.slf4j.LoggerFactory.getLogger(BatchingFileAppender.class), 1, TimeUnit.MINUTES);
    /** Whether the calling thread's last synced line reached the disk. */
    private static final ThreadLocal<Boolean> LAST_LINE_KEPT = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private String file;
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 65_536;
    private long flushIntervalMillis = 20;
    private volatile AuditDurability durability = AuditDurability.BATCHED;
    private long maxFileSize = 100L * 1024 * 1024;
    private int maxHistory = 30;
    private int maxAgeDays; // 0: rotated files are kept by count only

    private BlockingQueue<Line> queue;
    private FileChannel out;
    private Thread writer;
    private volatile boolean running;
    private Path path;
    private boolean regularFile; // false for a device or a pipe: never rotated, never cut back
    private AuditFiles files;
    private long size; // bytes in the current file; the writer's only
    private LocalDate openedOn;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong linesLost = new AtomicLong();
    private volatile boolean failing;
    private final List<Line> retained = new ArrayList<>(); // the writer's only: lines a failed write left
    private long lastTry; // when the writer last tried the retained lines (nanoTime)
    private ExecutorService compressor;

    /** A queued line; in synced mode its caller waits until the writer marks it written (or failed). */
    private static final class Line {
        final byte[] bytes;
        volatile Thread waiter; // null: nobody waits (or no longer: it was told)
        volatile boolean onDisk;
        volatile boolean failed;

        Line(byte[] bytes, Thread waiter) {
            this.bytes = bytes;
            this.waiter = waiter;
        }
    }

    public void setFile(String file) {
        this.file = file;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setFlushIntervalMillis(long flushIntervalMillis) {
        this.flushIntervalMillis = flushIntervalMillis;
    }

    /** The largest a file grows before it is rotated, e.g. {@code 100MB} (Logback's size syntax). */
    public void setMaxFileSize(String size) {
        this.maxFileSize = FileSize.valueOf(size).getSize();
    }

    /** How many rotated (compressed) files are kept. */
    public void setMaxHistory(int maxHistory) {
        this.maxHistory = maxHistory;
    }

    /** Rotated files of a day more than this many days ago are deleted; 0 keeps them by count only. */
    public void setMaxAgeDays(int maxAgeDays) {
        this.maxAgeDays = maxAgeDays;
    }

    int queueDepth() {
        return queue == null ? 0 : queue.size();
    }

    long linesWritten() {
        return written.get();
    }

    /** Whether the last write failed (and no write has succeeded since). */
    boolean failing() {
        return failing;
    }

    long writeFailures() {
        return writeFailures.get();
    }

    long linesLost() {
        return linesLost.get();
    }

    /**
     * Whether the calling thread's synced line, appended since it last asked, reached the
     * disk; false when none was appended since (Logback dropped it, the appender was not
     * started): a line nobody saw written is not kept. Asking forgets the answer.
     */
    static boolean lastLineKept() {
        boolean kept = LAST_LINE_KEPT.get();
        LAST_LINE_KEPT.set(Boolean.FALSE);
        return kept;
    }

    /** {@code batched} or {@code synced}; also set by the server from {@code audit.durability}. */
    public void setDurability(String durability) {
        setDurability(AuditDurability.parse(durability));
    }

    void setDurability(AuditDurability durability) {
        this.durability = durability;
    }

    /**
     * Points the appender at this file and rotation (the server's {@code audit.*} keys),
     * stopping it (every queued line written) and starting it on the new file when they
     * differ from what it has; nothing happens when they are the same.
     */
    synchronized void reconfigure(String newFile, String newMaxFileSize, int newMaxHistory, int newMaxAgeDays) {
        long newMaxBytes = FileSize.valueOf(newMaxFileSize).getSize();
        boolean sameFile = file != null && Path.of(newFile).toAbsolutePath().equals(Path.of(file).toAbsolutePath());
        if (sameFile && newMaxBytes == maxFileSize && newMaxHistory == maxHistory && newMaxAgeDays == maxAgeDays) {
            return;
        }
        boolean wasStarted = isStarted();
        if (wasStarted) {
            stop();
        }
        setFile(newFile);
        maxFileSize = newMaxBytes;
        maxHistory = newMaxHistory;
        maxAgeDays = newMaxAgeDays;
        if (wasStarted) {
            start();
        }
    }

    @Override
    public void start() {
        if (file == null || encoder == null) {
            addError("BatchingFileAppender needs a file and an encoder");
            return;
        }
        path = Path.of(file).toAbsolutePath();
        files = new AuditFiles(path);
        try {
            Files.createDirectories(path.getParent());
            open();
        } catch (IOException e) {
            // started all the same, failing: lines are kept and the file tried again every second (a trail that
            // cannot be opened must not look writable and drop every line)
            out = null;
            failing = true;
            lastTry = System.nanoTime();
            FAILURES.warn("audit-open", "cannot open the audit trail " + file + " (" + e + "); lines are kept and the "
                    + "file tried again every second; with audit.durability=synced changes are refused meanwhile", null);
        }
        compressor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "audit-compressor-" + getName());
            thread.setDaemon(true);
            return thread;
        });
        queue = new ArrayBlockingQueue<>(queueSize);
        running = true;
        writer = new Thread(this::writeLoop, "audit-writer-" + getName());
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        boolean synced = durability == AuditDurability.SYNCED;
        Line line = new Line(encoder.encode(event), synced ? Thread.currentThread() : null);
        if (!queue.offer(line)) {
            try {
                queue.put(line); // full: wait for the writer rather than lose a line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                linesLost.incrementAndGet();
                FAILURES.warn("audit-interrupted", "interrupted while waiting to queue an audit line; it is lost", null);
                LAST_LINE_KEPT.set(Boolean.FALSE);
                return;
            }
        }
        if (synced) {
            LockSupport.unpark(writer); // a waiting caller is worth a write now
            boolean interrupted = false;
            // told by the writer, or the appender stopped (a line queued after the writer's last drain is not kept);
            // a bounded park, so that no caller waits for good on a writer that is gone
            while (!line.onDisk && !line.failed && isStarted()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                interrupted |= Thread.interrupted();
            }
            LAST_LINE_KEPT.set(line.onDisk);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        List<Line> batch = new ArrayList<>();
        while (running) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis));
            drain(batch);
        }
        lastTry = System.nanoTime() - RETRY_NANOS; // stopping: one last try of what a failure left
        drain(batch);
        if (!retained.isEmpty()) {
            linesLost.addAndGet(retained.size());
            org.slf4j.LoggerFactory.getLogger(BatchingFileAppender.class).error("stopping with {} audit lines that could "
                    + "not be written to {}: they are lost", retained.size(), file);
            retained.clear();
        }
    }

    private void open() throws IOException {
        out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        regularFile = Files.isRegularFile(path);
        size = out.size();
        openedOn = LocalDate.now(ZoneOffset.UTC);
    }

    /**
     * Between batches: a new file when this batch would overfill the current one, or a new
     * day began. Never a device or a pipe ({@code /dev/full}, {@code /dev/stdout}): renaming
     * one would replace it with a file.
     */
    private void rotateIfDue(long batchBytes) {
        if (size == 0 || (size + batchBytes <= maxFileSize && LocalDate.now(ZoneOffset.UTC).equals(openedOn))
                || !regularFile) {
            return;
        }
        try {
            out.force(false);
            out.close();
            Path rotated = files.rotate(openedOn);
            open();
            compressor.execute(() -> {
                try {
                    AuditFiles.compress(rotated);
                    files.prune(maxHistory, maxAgeDays, LocalDate.now(ZoneOffset.UTC));
                } catch (IOException e) {
                    addError("cannot compress " + rotated, e);
                }
            });
        } catch (IOException e) {
            addError("cannot rotate " + file, e);
            if (!out.isOpen()) {
                try {
                    open();
                } catch (IOException again) {
                    addError("cannot reopen " + file, again);
                }
            }
        }
    }

    private void drain(List<Line> batch) {
        if (!retained.isEmpty()) {
            long now = System.nanoTime();
            if (now - lastTry < RETRY_NANOS) {
                // still failing: what comes meanwhile waits behind the retained lines (a synced caller is told now)
                take(batch);
                return;
            }
            lastTry = now;
            List<Line> again = new ArrayList<>(retained);
            retained.clear();
            if (!write(again)) {
                take(batch);
                return;
            }
        }
        while (queue.drainTo(batch) > 0) {
            boolean ok = write(batch);
            batch.clear();
            if (!ok) {
                lastTry = System.nanoTime();
                return;
            }
        }
    }

    /** Moves what is queued behind the retained lines, telling synced callers at once that their line failed. */
    private void take(List<Line> batch) {
        queue.drainTo(batch);
        for (Line line : batch) {
            retain(line);
            release(line, false);
        }
        batch.clear();
    }

    private void retain(Line line) {
        if (retained.size() < MAX_RETAINED) {
            retained.add(line);
        } else {
            linesLost.incrementAndGet();
            FAILURES.warn("audit-lost", MAX_RETAINED + " audit lines wait for " + file + ": further lines are lost "
                    + "(ccarm_audit_lines_lost_total) until it takes them again", null);
        }
    }

    /**
     * Writes one batch (forced to the device when a synced caller waits for it); false when
     * the write failed, its lines then retained and the file cut back to its last whole line.
     */
    private boolean write(List<Line> batch) {
        boolean synced = false;
        boolean ok;
        ByteBuffer[] buffers = new ByteBuffer[batch.size()];
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            Line line = batch.get(i);
            buffers[i] = ByteBuffer.wrap(line.bytes);
            bytes += line.bytes.length;
            synced |= line.waiter != null;
        }
        try {
            if (out == null || !out.isOpen()) {
                open(); // never opened, or a rotation that could not open its new file left none
            }
            rotateIfDue(bytes);
            writeFully(buffers);
            if (synced && regularFile) {
                out.force(false); // a pipe or a device has nothing to force (and refuses: EINVAL)
            }
            size = regularFile ? out.size() : size + bytes; // from the file: a failed cut-back must not leave it wrong
            written.addAndGet(buffers.length);
            failing = false;
            ok = true;
        } catch (IOException e) {
            ok = false;
            failing = true;
            writeFailures.incrementAndGet();
            FAILURES.warn("audit-write", "cannot write the audit trail to " + file + " (" + e + "): " + batch.size()
                    + " lines kept to try again every second; with audit.durability=synced changes are refused meanwhile",
                    null);
            cutBack();
            batch.forEach(this::retain);
        }
        for (Line line : batch) {
            release(line, ok);
        }
        return ok;
    }

    /** Tells a synced caller how its line went, once (a retained line tried again wakes nobody). */
    private static void release(Line line, boolean onDisk) {
        Thread waiter = line.waiter;
        if (waiter != null) {
            line.waiter = null;
            if (onDisk) {
                line.onDisk = true;
            } else {
                line.failed = true;
            }
            LockSupport.unpark(waiter);
        }
    }

    /** After a failed write: the file back to its last whole line (a device has no size to cut: nothing to do). */
    private void cutBack() {
        try {
            if (out != null && regularFile && out.isOpen() && out.size() > size) {
                out.truncate(size);
            }
        } catch (IOException e) {
            // the next write tries again from wherever the file ends
        }
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        long remaining = 0;
        for (ByteBuffer buffer : buffers) {
            remaining += buffer.remaining();
        }
        while (remaining > 0) {
            remaining -= out.write(buffers);
        }
    }

    /** Writes every queued line, then closes the file. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.stop();
        try {
            if (out != null && out.isOpen()) {
                if (regularFile) {
                    out.force(false);
                }
                out.close();
            }
        } catch (IOException e) {
            addError("cannot close " + file, e);
        }
        compressor.shutdown();
        try {
            compressor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
