package org.ccarm.logging;

import java.util.Locale;

/**
 * How far an audit line is written before the answer it records is sent
 * ({@code audit.durability}): {@code batched}, queued and written within the flush
 * interval (a crash loses the last batch); {@code synced}, forced to disk first (a
 * crash loses no line whose answer was sent; the benchmark prints what it costs).
 */
public enum AuditDurability {
    BATCHED, SYNCED;

    public static AuditDurability parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("audit durability must be batched or synced, not '" + text + "'");
        }
    }

    /** Sets this durability on every batching appender of the {@code audit} logger. */
    public void applyToAuditTrail() {
        AuditTrail.appenders().forEach(appender -> appender.setDurability(this));
    }
}
