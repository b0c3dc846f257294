package org.ccarm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server in a process of its own ({@code org.ccarm.Main --config}), for what a
 * server in the test's JVM cannot suffer: being frozen (SIGSTOP), killed (SIGKILL), or
 * writing where the test's process must not. Its addresses are read from its log, as an
 * operator reads them.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server in {@code dir} on a {@code server.properties} of {@code properties},
     * with {@code environment} added to its environment; its output goes to {@code <name>.log}.
     */
    public static ServerProcess start(Path dir, String name, String properties, Map<String, String> environment)
            throws IOException {
        Path config = dir.resolve(name + ".properties");
        Files.writeString(config, properties);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("config", "logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "org.ccarm.Main", "--config", config.toString());
        builder.environment().putAll(environment);
        builder.directory(dir.toFile()); // Logback's default audit file is made here
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new ServerProcess(builder.start(), log);
    }

    /** The address it says it listens on after {@code saying} (e.g. {@code cc-arm-server listening on}). */
    public URI uri(String saying) {
        Matcher m = await(Pattern.quote(saying) + " (http://\\S+)");
        return URI.create(m.group(1).endsWith("/") ? m.group(1) : m.group(1) + "/");
    }

    /** Its API's base URI. */
    public URI uri() {
        return uri("cc-arm-server listening on");
    }

    /** Its SIP port. */
    public int sipPort() {
        return Integer.parseInt(await("sip listening on [^:]+:(\\d+)").group(1));
    }

    /** Its name as the calls it carries record it (with its incarnation). */
    public String instance() {
        return await("sip listening on \\S+ \\(udp, tcp\\) as instance (\\S+)").group(1);
    }

    /** The first match of {@code regex} in its log, waited for. */
    public Matcher await(String regex) {
        Pattern pattern = Pattern.compile(regex);
        try {
            Await.until(() -> pattern.matcher(log()).find(), Duration.ofSeconds(60), "the server's log matches " + regex);
        } catch (AssertionError e) {
            String log = log();
            throw new AssertionError(e.getMessage() + "; the log ends: " + log.substring(Math.max(0, log.length() - 3000)), e);
        }
        Matcher m = pattern.matcher(log());
        if (!m.find()) {
            throw new IllegalStateException("no " + regex);
        }
        return m;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGSTOP: it stops answering anything, its sockets stay open. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT. */
    public void thaw() {
        signal("CONT");
    }

    /** SIGKILL: gone without a word. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops it; returns at once (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Whether it ended within {@code atMost}. */
    public boolean awaitExit(Duration atMost) throws InterruptedException {
        return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void signal(String name) {
        try {
            if (new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        thawQuietly();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void thawQuietly() {
        try {
            new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            // gone already
        }
    }
}
