/**
 * Logging infrastructure written for this server: Logback appenders configured in
 * {@code config/logback.xml}. The code logs through SLF4J only; this package is the
 * one place that knows Logback.
 */
package org.ccarm.logging;
