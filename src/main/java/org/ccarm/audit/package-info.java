/**
 * The audit trail: one line per command call and per change, whatever its outcome,
 * written to the {@code audit} logger (routed by the log configuration). Values a
 * client chose are escaped so that no request can forge, break or blur a line.
 *
 * <p>Plain Java and SLF4J; the appender that writes the file lives in {@code logging}.
 */
package org.ccarm.audit;
