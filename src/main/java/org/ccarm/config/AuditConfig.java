package org.ccarm.config;

import java.util.Locale;
import java.util.Objects;

/**
 * The audit trail (README, "The audit trail"): how far a line is written before its
 * answer ({@code audit.durability}), the file ({@code audit.file}, relative to the working
 * directory), and its rotation ({@code audit.max-file-size}, {@code audit.max-history},
 * {@code audit.max-age-days}: 0 keeps rotated files by count only). Each key has its
 * variable, {@code CCARM_AUDIT_FILE} and so on; the defaults are those of
 * {@code config/logback.xml}, which reads the same variables.
 */
public record AuditConfig(String durability, String file, String maxFileSize, int maxHistory, int maxAgeDays) {

    public static final AuditConfig BATCHED = new AuditConfig("batched", "logs/audit.log", "100MB", 30, 0);

    public AuditConfig {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(maxFileSize, "maxFileSize");
        if (!durability.equals("batched") && !durability.equals("synced")) {
            throw new IllegalArgumentException("'audit.durability' must be batched or synced, not '" + durability + "'");
        }
        if (file.isBlank()) {
            throw new IllegalArgumentException("'audit.file' must name a file");
        }
        if (!maxFileSize.strip().toLowerCase(Locale.ROOT).matches("\\d+\\s*(kb|mb|gb)?")) {
            throw new IllegalArgumentException("'audit.max-file-size' must be a size such as 100MB, 512KB or 1GB, not '"
                    + maxFileSize + "'");
        }
        if (maxHistory < 1) {
            throw new IllegalArgumentException("'audit.max-history' must keep at least 1 rotated file, not " + maxHistory);
        }
        if (maxAgeDays < 0) {
            throw new IllegalArgumentException("'audit.max-age-days' must be 0 (no limit) or more, not " + maxAgeDays);
        }
    }

    /** Whether the file and its rotation are those of {@code other} (the durability aside). */
    public boolean sameFileAndRotation(AuditConfig other) {
        return file.equals(other.file) && maxFileSize.equals(other.maxFileSize) && maxHistory == other.maxHistory
                && maxAgeDays == other.maxAgeDays;
    }

    public AuditConfig withDurability(String other) {
        return new AuditConfig(other, file, maxFileSize, maxHistory, maxAgeDays);
    }
}
