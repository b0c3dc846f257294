package org.ccarm.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.ccarm.testing.Await;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Captures the lines written to the {@code audit} logger during each test. */
public final class AuditCapture implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list.clear();
        appender.start();
        ((Logger) LoggerFactory.getLogger("audit")).addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ((Logger) LoggerFactory.getLogger("audit")).detachAppender(appender);
        appender.stop();
    }

    /** The first line that matches, waiting a little for it; fails when none comes. */
    public String awaitLine(Predicate<String> matching) {
        String[] found = new String[1];
        Await.until(() -> {
            found[0] = lines().stream().filter(matching).findFirst().orElse(null);
            return found[0] != null;
        }, "an audit line that matches; lines: " + lines());
        return found[0];
    }

    /** The lines so far (the audit is written on the request's thread, before the answer is sent). */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
