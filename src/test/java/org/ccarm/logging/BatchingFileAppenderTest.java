package org.ccarm.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingFileAppenderTest {

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private BatchingFileAppender appender;

    private Logger logger(Path file, int queueSize) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender = new BatchingFileAppender();
        appender.setContext(context);
        appender.setName("test");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setFlushIntervalMillis(5);
        appender.start();
        Logger logger = context.getLogger("audit");
        logger.addAppender(appender);
        logger.setAdditive(false);
        return logger;
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void everyLineFromEveryThreadIsWrittenOnceByStop() throws Exception {
        Path file = dir.resolve("logs/audit.log"); // the directory is made too
        Logger logger = logger(file, 16); // a small queue: callers must wait for room, never drop
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    logger.info("line " + thread + "-" + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        appender.stop();
        List<String> lines = Files.readAllLines(file);
        assertEquals(16_000, lines.size());
        assertEquals(16_000, new HashSet<>(lines).size());
    }

    @Test
    void aLineIsInTheFileSoonWithoutAStop() throws Exception {
        Path file = dir.resolve("audit.log");
        logger(file, 1024).info("first");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && Files.readString(file).equals("first\n")) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // waiting on the file's content, not a fixed delay
        }
        assertEquals("first\n", Files.readString(file));
    }

    @Test
    void linesAreAppendedToAnExistingFile() throws Exception {
        Path file = dir.resolve("audit.log");
        Files.writeString(file, "earlier\n");
        logger(file, 1024).info("later");
        appender.stop();
        assertEquals(List.of("earlier", "later"), Files.readAllLines(file));
    }

    @Test
    void withoutAFileItDoesNotStart() {
        BatchingFileAppender unconfigured = new BatchingFileAppender();
        unconfigured.setContext(context);
        unconfigured.start();
        assertTrue(!unconfigured.isStarted());
    }
}
