package org.ccarm.sip.logging;

import gov.nist.core.StackLogger;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.ccarm.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP stack's log, written to SLF4J (the stack would otherwise want log4j 1.x, which this
 * server does not ship). Named in the stack's properties, {@code gov.nist.javax.sip.STACK_LOGGER};
 * the stack makes it by reflection. Its errors and exceptions come mostly from what strangers
 * send (a malformed datagram, a connection reset), so they are logged at most once a minute
 * per kind, without stacks: a packet flood must not become a log flood.
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("org.ccarm.sip.stack");
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);

    @Override
    public void logStackTrace() {
        // a debugging aid of the stack: no stack traces per packet here
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // as above
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    /** The longest part of a stack message logged: some quote a whole packet (64 KiB as decimal numbers). */
    private static final int MAX_MESSAGE = 300;

    private static String brief(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE) + "... (" + message.length() + " characters)";
    }

    @Override
    public void logException(Throwable ex) {
        LIMITED.warn("sip-stack-exception", brief("SIP stack: " + ex), null);
    }

    @Override
    public void logDebug(String message) {
        LOG.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        LIMITED.warn("sip-stack-fatal", brief("SIP stack: " + message), null);
    }

    @Override
    public void logError(String message) {
        LIMITED.warn("sip-stack-error", brief("SIP stack: " + message), null);
    }

    @Override
    public void logError(String message, Exception ex) {
        LIMITED.warn("sip-stack-error", brief("SIP stack: " + message + (ex == null ? "" : ": " + ex)), null);
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isDebugEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        // the stack builds its (long) debug strings only when asked; errors and warnings always reach LIMITED
        if (logLevel <= TRACE_WARN) {
            return true;
        }
        return logLevel <= TRACE_INFO ? LOG.isInfoEnabled() && LOG.isDebugEnabled() : LOG.isDebugEnabled();
    }

    @Override
    public void logWarning(String message) {
        if (message != null && (message.contains("tls security policy") || message.contains("default keystore")
                || message.contains("TLS server settings"))) {
            LOG.debug(message); // said at every start about TLS; this server has no SIP over TLS
            return;
        }
        LIMITED.warn("sip-stack-warning", brief("SIP stack: " + message), null);
    }

    @Override
    public void logInfo(String message) {
        LOG.debug(message); // the stack's "info" is chatter (its build, its properties)
    }

    @Override
    public void disableLogging() {
        // levels are Logback's to set
    }

    @Override
    public void enableLogging() {
        // as above
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        LOG.debug("JAIN-SIP RI built {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure: Logback does
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
