package org.ccarm.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
 */
public final class BatchingFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private String file;
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 65_536;
    private long flushIntervalMillis = 20;
    private volatile AuditDurability durability = AuditDurability.BATCHED;

    private BlockingQueue<Line> queue;
    private FileChannel out;
    private Thread writer;
    private volatile boolean running;

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
            File target = new File(file).getAbsoluteFile();
            File dir = target.getParentFile();
            if (dir != null && !dir.isDirectory() && !dir.mkdirs()) {
                addError("cannot create the directory of " + target);
                return;
            }
            out = new FileOutputStream(target, true).getChannel();
        } catch (IOException e) {
            addError("cannot open " + file, e);
            return;
        }
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

    private void drain(List<Line> batch) {
        while (queue.drainTo(batch) > 0) {
            boolean synced = false;
            try {
                ByteBuffer[] buffers = new ByteBuffer[batch.size()];
                for (int i = 0; i < buffers.length; i++) {
                    Line line = batch.get(i);
                    buffers[i] = ByteBuffer.wrap(line.bytes);
                    synced |= line.waiter != null;
                }
                writeFully(buffers);
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
    }
}
