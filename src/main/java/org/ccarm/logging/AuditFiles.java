package org.ccarm.logging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The rotated files of an audit trail: {@code audit.log} is renamed
 * {@code audit-2026-11-25.1.log} (the day it was written, then a counter for that day),
 * then compressed to {@code audit-2026-11-25.1.log.gz}; only the newest
 * {@code maxHistory} rotated files are kept, and (when a maximum age is set) none older.
 * The counter of a day only rises, so the names sort in the order the files were
 * written, and pruning deletes the oldest. (A rotation once took the lowest free
 * counter: after the first prune each new file took the number just freed, sorted
 * first, and was the one deleted.)
 */
final class AuditFiles {

    private final Path active;
    private final String base;
    private final Pattern rotated;

    AuditFiles(Path active) {
        this.active = active;
        String name = active.getFileName().toString();
        this.base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        this.rotated = Pattern.compile(Pattern.quote(base) + "-(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log(\\.gz)?");
    }

    /** Renames the active file to the next name of {@code day}: one past the highest counter that day has; returns it. */
    Path rotate(LocalDate day) throws IOException {
        int highest = 0;
        for (Path file : rotatedFiles()) {
            if (key(file, 1).equals(day.toString())) {
                highest = Math.max(highest, Integer.parseInt(key(file, 2)));
            }
        }
        Path target = name(day, highest + 1, false);
        Files.move(active, target);
        return target;
    }

    /**
     * Compresses a rotated file, then deletes it: the .gz appears whole or not at all. At
     * gzip's fastest level: it runs in the server's process, and on an audit trail level 1
     * took half the CPU of the default level 6 for files 12% larger (6.6% of the text
     * instead of 5.9%); a busy server rotates every few hundred thousand commands.
     */
    static void compress(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".gz.partial");
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new FastestGzip(Files.newOutputStream(partial))) {
            in.transferTo(out);
        }
        Files.move(partial, file.resolveSibling(file.getFileName() + ".gz"));
        Files.delete(file);
    }

    /** gzip at {@link Deflater#BEST_SPEED}. */
    private static final class FastestGzip extends GZIPOutputStream {
        FastestGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * Deletes the oldest rotated files beyond {@code keep}, and those of a day more than
     * {@code maxAgeDays} before {@code today} (0: no limit of age).
     */
    void prune(int keep, int maxAgeDays, LocalDate today) throws IOException {
        List<Path> files = rotatedFiles();
        files.sort(Comparator.comparing((Path f) -> key(f, 1)).thenComparingInt(f -> Integer.parseInt(key(f, 2))));
        String oldestDay = maxAgeDays > 0 ? today.minusDays(maxAgeDays).toString() : "";
        for (int i = 0; i < files.size(); i++) {
            if (i < files.size() - keep || key(files.get(i), 1).compareTo(oldestDay) < 0) {
                Files.deleteIfExists(files.get(i));
            }
        }
    }

    private List<Path> rotatedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory())) {
            for (Path file : dir) {
                if (rotated.matcher(file.getFileName().toString()).matches()) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    private String key(Path file, int group) {
        Matcher m = rotated.matcher(file.getFileName().toString());
        return m.matches() ? m.group(group) : "";
    }

    private Path directory() {
        Path parent = active.toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    private Path name(LocalDate day, int index, boolean compressed) {
        return active.resolveSibling(base + "-" + day + "." + index + ".log" + (compressed ? ".gz" : ""));
    }
}
