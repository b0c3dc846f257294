package org.ccarm.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingFileAppenderTest {

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private BatchingFileAppender appender;

    private Logger logger(Path file, int queueSize) {
        return logger(file, queueSize, null);
    }

    private Logger logger(Path file, int queueSize, String maxFileSize) {
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
        if (maxFileSize != null) {
            appender.setMaxFileSize(maxFileSize);
            appender.setMaxHistory(1_000);
        }
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
    void underLoadRotationLosesNoLineAndSplitsNone() throws Exception {
        Path file = dir.resolve("audit.log");
        Logger logger = logger(file, 256, "20KB"); // rotated every few hundred lines
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    logger.info("line " + thread + "-" + i + " " + "x".repeat(i % 50));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        appender.stop(); // waits for the compressions too
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        int rotated = 0;
        try (var files = Files.list(dir)) {
            for (Path part : files.filter(f -> f.getFileName().toString().matches("audit-\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.log\\.gz")).toList()) {
                rotated++;
                try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(part))) {
                    lines.addAll(List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")));
                }
            }
        }
        assertTrue(rotated > 50, rotated + " rotations");
        assertEquals(40_000, lines.size(), "no line lost");
        assertEquals(40_000, new HashSet<>(lines).size(), "none doubled");
        assertTrue(lines.stream().allMatch(l -> l.matches("line \\d-\\d+ x*")), "none split");
        assertEquals(0, appender.queueDepth());
        assertEquals(40_000, appender.linesWritten());
    }

    @Test
    void onlyTheNewestRotatedFilesAreKept() throws Exception {
        Path file = dir.resolve("audit.log");
        Logger logger = logger(file, 16, "1KB");
        appender.setMaxHistory(3);
        for (int i = 0; i < 400; i++) {
            logger.info("line " + i + " " + "y".repeat(40));
        }
        appender.stop();
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".gz")).sorted().toList();
            assertEquals(3, names.size(), names.toString());
        }
    }

    /**
     * Past the kept count, the oldest rotated file goes and the newest stays: a rotation
     * once took the lowest free number, so after the first prune each new file was named
     * {@code .1} and deleted at once, and the newest history was what went.
     */
    @Test
    void rotatingPastTheKeptCountKeepsTheNewestLines() throws Exception {
        Path file = dir.resolve("audit.log");
        Logger logger = logger(file, 16, "1KB");
        appender.setMaxHistory(3);
        for (int i = 0; i < 400; i++) {
            logger.info("line " + i + " " + "y".repeat(40));
            if (i % 20 == 19) {
                awaitCompressed(); // each rotation's file is compressed and pruned before the next comes
            }
        }
        appender.stop();
        List<String> kept = new ArrayList<>(Files.readAllLines(file));
        try (var files = Files.list(dir)) {
            for (Path part : files.filter(f -> f.getFileName().toString().endsWith(".gz")).toList()) {
                try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(part))) {
                    kept.addAll(List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")));
                }
            }
        }
        assertTrue(kept.contains("line 399 " + "y".repeat(40)), "the newest line is kept");
        int oldestKept = kept.stream().mapToInt(l -> Integer.parseInt(l.split(" ")[1])).min().orElseThrow();
        for (int i = oldestKept; i < 400; i++) {
            assertTrue(kept.contains("line " + i + " " + "y".repeat(40)), "every line since the oldest kept: " + i);
        }
        assertTrue(oldestKept > 300, "only the newest few files are kept, from line " + oldestKept);
    }

    /** Rotated files may be awaiting compression: waits until none is left uncompressed. */
    private void awaitCompressed() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(dir)) {
                if (files.noneMatch(f -> f.getFileName().toString().matches("audit-.*\\.log(\\.gz\\.partial)?"))) {
                    return;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void rotatedFilesOlderThanTheMaximumAgeAreDeleted() throws Exception {
        Path file = dir.resolve("audit.log");
        Path old = dir.resolve("audit-2001-01-01.1.log.gz");
        Path recent = dir.resolve("audit-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1) + ".7.log.gz");
        Files.writeString(old, "");
        Files.writeString(recent, "");
        Logger logger = logger(file, 16, "1KB");
        appender.setMaxAgeDays(30);
        for (int i = 0; i < 40; i++) {
            logger.info("line " + i + " " + "y".repeat(40)); // a rotation or two: each prunes
        }
        appender.stop();
        assertTrue(!Files.exists(old), "a file of 2001 is past 30 days");
        assertTrue(Files.exists(recent), "yesterday's stays");
    }

    @Test
    void withoutAFileItDoesNotStart() {
        BatchingFileAppender unconfigured = new BatchingFileAppender();
        unconfigured.setContext(context);
        unconfigured.start();
        assertTrue(!unconfigured.isStarted());
    }

    /** A device that refuses every write: the appender says it is failing, a synced caller learns its line failed. */
    @Test
    void aFileThatRefusesWritesIsReportedNotDroppedAsIfWritten() {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full here");
        Logger logger = logger(full, 64);
        appender.setDurability(AuditDurability.SYNCED);
        logger.info("a change's line");
        assertFalse(BatchingFileAppender.lastLineKept(), "the synced caller is told its line did not reach the disk");
        assertTrue(appender.failing());
        assertTrue(appender.writeFailures() >= 1);
        assertEquals(0, appender.linesWritten());
        appender.setDurability(AuditDurability.BATCHED);
        logger.info("a batched line"); // queued; its failure is counted, not thrown at the caller
        appender.stop();
    }

    /** A device that takes writes but cannot be forced (as a pipe): synced lines are written once, not retried. */
    @Test
    void aSyncedLineToADeviceIsWrittenOnce() {
        Path sink = Path.of("/dev/null");
        Assumptions.assumeTrue(Files.isWritable(sink), "no /dev/null here");
        Logger logger = logger(sink, 64);
        appender.setDurability(AuditDurability.SYNCED);
        logger.info("to nowhere");
        assertTrue(BatchingFileAppender.lastLineKept(), "written: a device has nothing to force");
        assertFalse(appender.failing());
        assertEquals(1, appender.linesWritten());
    }

    /** A trail that cannot even be opened fails closed: failing, and a synced caller told its line was not kept. */
    @Test
    void aFileThatCannotBeOpenedIsFailingNotSilent() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "a file where a directory should be");
        Logger logger = logger(blocker.resolve("audit.log"), 64);
        assertTrue(appender.isStarted(), "started, so that lines are kept and the file tried again");
        assertTrue(appender.failing());
        appender.setDurability(AuditDurability.SYNCED);
        logger.info("a change's line");
        assertFalse(BatchingFileAppender.lastLineKept());
        assertFalse(BatchingFileAppender.lastLineKept(), "asking forgets: no line since");
    }

    /**
     * A filesystem that fills up: writes fail, the lines are kept and no broken line is
     * left; once there is room again the kept lines are written, in order, and the
     * appender recovers by itself. Needs a small tmpfs (mount, as root); skipped elsewhere.
     */
    @Test
    void aFullFilesystemKeepsTheLinesAndRecoversWhenThereIsRoomAgain() throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        boolean mounted;
        try {
            mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
                    .redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException noMount) {
            mounted = false; // no mount program at all
        }
        Assumptions.assumeTrue(mounted, "cannot mount a small tmpfs here (needs root and the mount program)");
        try {
            Path filler = mount.resolve("filler");
            Logger logger = logger(mount.resolve("audit.log"), 1_024);
            appender.setDurability(AuditDurability.SYNCED);
            logger.info("before it filled up");
            assertTrue(BatchingFileAppender.lastLineKept());
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block); // until the filesystem is full
                }
            } catch (java.io.IOException full) {
                // full now
            }
            String longLine = "x".repeat(8_000);
            logger.info("while full " + longLine);
            assertFalse(BatchingFileAppender.lastLineKept(), "no room: the line did not reach the disk");
            assertTrue(appender.failing());
            Files.delete(filler);
            Await.until(() -> !appender.failing(), Duration.ofSeconds(5), "the appender writes the kept line once there is room");
            logger.info("after");
            assertTrue(BatchingFileAppender.lastLineKept());
            assertEquals(List.of("before it filled up", "while full " + longLine, "after"),
                    Files.readAllLines(mount.resolve("audit.log")), "no line lost, none broken, in order");
        } finally {
            context.stop();
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
        }
    }

    /** The server's audit.* keys move the trail after Logback started it: the lines before stay, the next go to the new file. */
    @Test
    void reconfiguringMovesTheTrailToTheNewFile() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("moved/second.log");
        Logger logger = logger(first, 64);
        logger.info("one");
        appender.reconfigure(first.toString(), "100MB", 30, 0); // the same: nothing happens
        assertTrue(appender.isStarted());
        appender.reconfigure(second.toString(), "1MB", 5, 7);
        logger.info("two");
        appender.stop();
        assertEquals(List.of("one"), Files.readAllLines(first));
        assertEquals(List.of("two"), Files.readAllLines(second));
    }
}
