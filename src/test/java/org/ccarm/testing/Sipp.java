package org.ccarm.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * SIPp (Debian {@code sip-tester}) as a real process on loopback, playing a caller or an
 * operator's phone from a scenario file under {@code src/test/resources/sipp}. Where SIPp is
 * missing the test is skipped with a message naming the package, unless
 * {@code -Dccarm.require-external=true} (as CI runs) makes that a failure.
 */
public final class Sipp implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/sipp");

    private final Process process;
    private final Path directory;
    private final String scenario;
    private final int port;

    private Sipp(Process process, Path directory, String scenario, int port) {
        this.process = process;
        this.directory = directory;
        this.scenario = scenario;
        this.port = port;
    }

    /** Skips the test (or fails it, where external programs are required) when SIPp is not installed. */
    public static void assumeInstalled() {
        String sipp = findSipp();
        if (sipp == null) {
            String message = "SIPp is not installed: these SIP tests need it (Debian: apt-get install sip-tester)";
            if (Boolean.getBoolean("ccarm.require-external")) {
                fail(message + "; ccarm.require-external=true makes its absence a failure");
            }
            System.err.println("*** SKIPPED: " + message);
            Assumptions.assumeTrue(false, message);
        }
    }

    private static String findSipp() {
        if (Files.isExecutable(BINARY)) {
            return BINARY.toString();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, "sipp");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** A free UDP port on loopback (for a phone's SIPp, before it is started). */
    public static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers operator {@code operator}'s phone at 127.0.0.1:{@code phonePort} with the server, through SIPp's REGISTER. */
    public static void register(int serverPort, String operator, int phonePort) {
        try (Sipp registration = caller("register.xml", serverPort, operator, "-set", "contact_host", "127.0.0.1",
                "-set", "contact_port", Integer.toString(phonePort))) {
            registration.assertPassed(Duration.ofSeconds(30));
        }
    }

    /** A UAS (a phone) on {@code port}, as operator {@code service}, running {@code scenario} once. */
    public static Sipp phone(String scenario, String service, int port, String... extra) {
        return start(scenario, null, service, port, extra);
    }

    /** A UAC (a caller) calling {@code service} at the server's SIP port, once. */
    public static Sipp caller(String scenario, int serverPort, String service, String... extra) {
        return start(scenario, "127.0.0.1:" + serverPort, service, freePort(), extra);
    }

    private static Sipp start(String scenario, String remote, String service, int port, String... extra) {
        try {
            Path directory = Files.createTempDirectory("sipp-");
            try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + scenario)) {
                if (in == null) {
                    throw new IllegalArgumentException("no scenario " + scenario);
                }
                Files.copy(in, directory.resolve(scenario));
            }
            List<String> command = new ArrayList<>(List.of(findSipp()));
            if (remote != null) {
                command.add(remote);
            }
            command.addAll(List.of("-sf", scenario, "-s", service, "-i", "127.0.0.1", "-p", Integer.toString(port),
                    "-m", "1", "-timeout", "30", "-timeout_error", "-trace_err", "-trace_logs", "-trace_msg", "-nostdin"));
            command.addAll(List.of(extra));
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("out.txt").toFile()).start();
            return new Sipp(process, directory, scenario, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Waits for SIPp to end its one call; its exit status (0: the scenario passed, every check included). */
    public int awaitExit(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the scenario passed within {@code atMost}, showing SIPp's errors when it did not. */
    public void assertPassed(Duration atMost) {
        int status = awaitExit(atMost);
        if (status != 0) {
            fail(scenario + " ended with " + status + ":\n" + report());
        }
    }

    /** Waits until this SIPp has sent or received a message containing {@code text} (its {@code -trace_msg} file). */
    public void awaitMessage(String text) {
        Await.until(() -> read("_messages.log").contains(text), scenario + " to see " + text);
    }

    /** What SIPp logged with {@code <log>} (its {@code -trace_logs} file). */
    public String logs() {
        return read("_logs.log");
    }

    /** Its error log and its output, for a failure's message. */
    public String report() {
        return read("_errors.log") + "\n" + readFile(directory.resolve("out.txt"));
    }

    private String read(String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            StringBuilder text = new StringBuilder();
            files.filter(file -> file.getFileName().toString().endsWith(suffix)).forEach(file -> text.append(readFile(file)));
            return text.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
