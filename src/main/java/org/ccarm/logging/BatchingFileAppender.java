package org.ccarm.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends lines to a file from a background thread, in batches: one write and one
 * flush per batch, at most {@code flushIntervalMillis} after a line was logged.
 *
 * <p>Why not Logback's AsyncAppender: its worker blocks on the queue, so every event
 * wakes it (a futex call and a context switch per line), which on a two-core machine
 * cost more than the rest of a request. Here the request thread formats its line and
 * queues it without waking anyone; the writer wakes on its own clock. When the queue
 * is full the request thread waits for room: lines are never dropped.
 */
public final class BatchingFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private String file;
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 65_536;
    private long flushIntervalMillis = 20;

    private BlockingQueue<byte[]> queue;
    private OutputStream out;
    private Thread writer;
    private volatile boolean running;

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
            out = new BufferedOutputStream(new FileOutputStream(target, true), 1 << 16);
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
        byte[] line = encoder.encode(event);
        if (!queue.offer(line)) {
            try {
                queue.put(line); // full: wait for the writer rather than lose a line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                addError("interrupted while waiting to queue a line; it is lost");
            }
        }
    }

    private void writeLoop() {
        List<byte[]> batch = new ArrayList<>();
        while (running) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis));
            drain(batch);
        }
        drain(batch);
    }

    private void drain(List<byte[]> batch) {
        while (queue.drainTo(batch) > 0) {
            try {
                for (byte[] line : batch) {
                    out.write(line);
                }
                out.flush();
            } catch (IOException e) {
                addError("cannot write to " + file, e);
            }
            batch.clear();
        }
    }

    /** Writes every queued line, then closes the file. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.close();
        } catch (IOException e) {
            addError("cannot close " + file, e);
        }
    }
}
