package org.ccarm.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The batching appenders of the {@code audit} logger, for settings and for metrics. */
public final class AuditTrail {

    private AuditTrail() {}

    static List<BatchingFileAppender> appenders() {
        List<BatchingFileAppender> found = new ArrayList<>();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger audit = context.getLogger("audit");
            audit.iteratorForAppenders().forEachRemaining(appender -> {
                if (appender instanceof BatchingFileAppender batching) {
                    found.add(batching);
                }
            });
        }
        return found;
    }

    /**
     * Points every audit appender at this file and rotation ({@code audit.file}, ...); one
     * that already has them is left as it is (Logback read the same variables at start).
     */
    public static void configure(String file, String maxFileSize, int maxHistory, int maxAgeDays) {
        appenders().forEach(appender -> appender.reconfigure(file, maxFileSize, maxHistory, maxAgeDays));
    }

    /** Lines queued and not written yet. */
    public static double queueDepth() {
        return appenders().stream().mapToInt(BatchingFileAppender::queueDepth).sum();
    }

    /** Whether every audit file can be written: false from a failed write until one succeeds. */
    public static boolean writable() {
        return appenders().stream().allMatch(appender -> appender.isStarted() && !appender.failing());
    }

    /** Whether the calling thread's last synced audit line reached the disk. */
    public static boolean lastLineKept() {
        return BatchingFileAppender.lastLineKept();
    }

    /** Writes that failed since start. */
    public static double writeFailures() {
        return appenders().stream().mapToLong(BatchingFileAppender::writeFailures).sum();
    }

    /** Lines given up because too many waited for the file to take them again. */
    public static double linesLost() {
        return appenders().stream().mapToLong(BatchingFileAppender::linesLost).sum();
    }

    /** Lines written to the file since start. */
    public static double linesWritten() {
        return appenders().stream().mapToLong(BatchingFileAppender::linesWritten).sum();
    }
}
