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
 * avoid.)
 */
public final class BatchingFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

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
    private AuditFiles files;
    private long size; // bytes in the current file; the writer's only
    private LocalDate openedOn;
    private final AtomicLong written = new AtomicLong();
    private ExecutorService compressor;

    /** A queued line; in synced mode its caller waits until the writer marks it written. */
    private static final class Line {
        final byte[] bytes;
        final Thread waiter; // null: nobody waits
        volatile boolean onDisk;

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

    /** {@code batched} or {@code synced}; also set by the server from {@code audit.durability}. */
    public void setDurability(String durability) {
        setDurability(AuditDurability.parse(durability));
    }

    void setDurability(AuditDurability durability) {
        this.durability = durability;
    }

    @Override
    public void start() {
        if (file == null || encoder == null) {
            addError("BatchingFileAppender needs a file and an encoder");
            return;
        }
        try {
            path = Path.of(file).toAbsolutePath();
            Files.createDirectories(path.getParent());
            files = new AuditFiles(path);
            open();
        } catch (IOException e) {
            addError("cannot open " + file, e);
            return;
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
                addError("interrupted while waiting to queue a line; it is lost");
                return;
            }
        }
        if (synced) {
            if (!running) {
                return; // stopping: the final drain writes it
            }
            LockSupport.unpark(writer); // a waiting caller is worth a write now
            boolean interrupted = false;
            while (!line.onDisk && isStarted()) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
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
        drain(batch);
    }

    private void open() throws IOException {
        out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = out.size();
        openedOn = LocalDate.now(ZoneOffset.UTC);
    }

    /** Between batches: a new file when this batch would overfill the current one, or a new day began. */
    private void rotateIfDue(long batchBytes) {
        if (size == 0 || (size + batchBytes <= maxFileSize && LocalDate.now(ZoneOffset.UTC).equals(openedOn))) {
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
        while (queue.drainTo(batch) > 0) {
            boolean synced = false;
            try {
                ByteBuffer[] buffers = new ByteBuffer[batch.size()];
                long bytes = 0;
                for (int i = 0; i < buffers.length; i++) {
                    Line line = batch.get(i);
                    buffers[i] = ByteBuffer.wrap(line.bytes);
                    bytes += line.bytes.length;
                    synced |= line.waiter != null;
                }
                rotateIfDue(bytes);
                writeFully(buffers);
                size += bytes;
                written.addAndGet(buffers.length);
                if (synced) {
                    out.force(false);
                }
            } catch (IOException e) {
                addError("cannot write to " + file, e);
            }
            for (Line line : batch) {
                if (line.waiter != null) {
                    line.onDisk = true;
                    LockSupport.unpark(line.waiter);
                }
            }
            batch.clear();
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
            out.force(false);
            out.close();
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
