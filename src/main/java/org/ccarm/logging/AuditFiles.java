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
import java.util.zip.GZIPOutputStream;

/**
 * The rotated files of an audit trail: {@code audit.log} is renamed
 * {@code audit-2026-11-25.1.log} (the day it was written, then a counter for that day),
 * then compressed to {@code audit-2026-11-25.1.log.gz}; only the newest
 * {@code maxHistory} rotated files are kept.
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

    /** Renames the active file to the next free name of {@code day}; returns it. */
    Path rotate(LocalDate day) throws IOException {
        int index = 1;
        while (Files.exists(name(day, index, false)) || Files.exists(name(day, index, true))) {
            index++;
        }
        Path target = name(day, index, false);
        Files.move(active, target);
        return target;
    }

    /** Compresses a rotated file, then deletes it: the .gz appears whole or not at all. */
    static void compress(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".gz.partial");
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            in.transferTo(out);
        }
        Files.move(partial, file.resolveSibling(file.getFileName() + ".gz"));
        Files.delete(file);
    }

    /** Deletes the oldest rotated files beyond {@code keep}. */
    void prune(int keep) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory())) {
            for (Path file : dir) {
                if (rotated.matcher(file.getFileName().toString()).matches()) {
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.comparing((Path f) -> key(f, 1)).thenComparingInt(f -> Integer.parseInt(key(f, 2))));
        for (int i = 0; i < files.size() - keep; i++) {
            Files.deleteIfExists(files.get(i));
        }
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
