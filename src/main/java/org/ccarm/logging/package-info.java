/**
 * Logging infrastructure written for this server: the Logback appender of the audit
 * trail ({@link org.ccarm.logging.BatchingFileAppender}, configured in
 * {@code config/logback.xml}; with {@link org.ccarm.logging.AuditDurability} the one
 * place that knows Logback) and a rate-limited log for things that repeat per request.
 * The rest of the code logs through SLF4J only.
 */
package org.ccarm.logging;
