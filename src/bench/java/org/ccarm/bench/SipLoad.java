package org.ccarm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The SIP rows of the benchmark, SIPp on loopback as callers and the operator's phone,
 * against a server started with SIP on (BenchServer with {@code -Dccarm.sip.port}):
 * <ol>
 *   <li>call setups a second through the B2BUA (INVITE, 200, ACK, BYE) at rising rates, the
 *       highest with no failed call;</li>
 *   <li>at 100 new calls a second, each call held and released once over HTTP when it comes
 *       up (the driver learns of it from the domain's event stream): the commands' latency,
 *       each a re-INVITE of both legs;</li>
 *   <li>the heap per established call: the slope between 1,000 and 3,000 calls up.</li>
 * </ol>
 * Usage: {@code SipLoad HTTP_PORT SIP_PORT SERVER_PID WARMUP SECONDS ROWS [smoke]}, ROWS some of
 * {@code setups,holds,heap}; prints one line per row. With {@code -Dccarm.command.port=P} the
 * holds row sends its commands to another instance on the same Redis (the calls' owner is the
 * one on HTTP_PORT and SIP_PORT: each command is handed over), and
 * {@code -Dccarm.row.label} names its line.
 */
public final class SipLoad {

    private static final Pattern CONVERSATION = Pattern.compile("\"conversation_id\":\"([0-9a-f]{16})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");
    private static final Pattern LAST_COLUMN = Pattern.compile("\\|\\s*(\\d+)\\s*$");

    private final int httpPort;
    private final int sipPort;
    private final long serverPid;
    private final Path scenarios;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int commandPort = Integer.getInteger("ccarm.command.port", 0);
    private final String holdsLabel = System.getProperty("ccarm.row.label", "sip holds");

    private SipLoad(int httpPort, int sipPort, long serverPid, Path scenarios) {
        this.httpPort = httpPort;
        this.sipPort = sipPort;
        this.serverPid = serverPid;
        this.scenarios = scenarios;
    }

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        List<String> rows = List.of(args[5].split(","));
        boolean smoke = args.length > 6 && args[6].equals("smoke");
        Path scenarios = Files.createTempDirectory("sipload-");
        for (String name : List.of("caller-any.xml", "phone-any.xml")) {
            Files.copy(Path.of("bench", "sipp", name), scenarios.resolve(name));
        }
        Files.writeString(scenarios.resolve("caller-stays.xml"),
                Files.readString(scenarios.resolve("caller-any.xml")).replace("timeout=\"3000\"", "timeout=\"600000\""));
        Files.copy(Path.of("src", "test", "resources", "sipp", "register.xml"), scenarios.resolve("register.xml"));
        SipLoad load = new SipLoad(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]), scenarios);
        if (rows.contains("setups")) {
            load.withPhone(() -> load.setups(smoke ? new int[] {50} : new int[] {300, 500, 800, 1200, 1600}, seconds));
        }
        if (rows.contains("holds")) {
            load.withPhone(() -> load.holds(smoke ? 20 : 100, seconds, smoke ? 0 : warmup));
        }
        if (rows.contains("heap")) { // on a server of its own: its calls stay up until the server stops
            load.withPhone(() -> load.heap(smoke ? 50 : 1_000, smoke ? 150 : 3_000));
        }
    }

    private interface Row {
        void run() throws Exception;
    }

    /** Runs a row with a phone of its own (a fresh SIPp registered as 1001's most recent binding). */
    private void withPhone(Row row) throws Exception {
        int phonePort = freePort();
        register(phonePort);
        Process phone = sipp(List.of("-sf", "phone-any.xml", "-s", "1001", "-i", "127.0.0.1", "-p",
                Integer.toString(phonePort), "-max_socket", "10000", "-nostdin"), "phone");
        try {
            row.run();
        } finally {
            phone.destroyForcibly();
            phone.waitFor();
        }
    }

    private void register(int phonePort) throws Exception {
        Process registration = sipp(List.of("127.0.0.1:" + sipPort, "-sf", "register.xml", "-s", "1001", "-set",
                "contact_host", "127.0.0.1", "-set", "contact_port", Integer.toString(phonePort), "-i", "127.0.0.1",
                "-p", Integer.toString(freePort()), "-m", "1", "-timeout", "10", "-timeout_error", "-nostdin"), "register");
        if (registration.waitFor() != 0) {
            throw new IllegalStateException("the phone could not register");
        }
    }

    /** Row 1: calls set up and torn down at each rate for {@code seconds}; successes, failures and the rate achieved. */
    private void setups(int[] rates, int seconds) throws Exception {
        int best = 0;
        for (int rate : rates) {
            int calls = rate * seconds;
            long start = System.nanoTime();
            Process caller = sipp(List.of("127.0.0.1:" + sipPort, "-sn", "uac", "-s", "1001", "-i", "127.0.0.1", "-p",
                    Integer.toString(freePort()), "-r", Integer.toString(rate), "-m", Integer.toString(calls), "-d", "0",
                    "-timeout", Integer.toString(seconds * 3 + 30), "-max_socket", "10000", "-nostdin"), "setups-" + rate);
            String output = new String(caller.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            caller.waitFor();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long ok = last(output, "Successful call");
            long failed = last(output, "Failed call");
            System.out.printf("sip setups: rate=%d calls=%d successful=%d failed=%d achieved=%.0f%n", rate, calls, ok, failed,
                    ok / elapsed);
            if (failed > 0 || ok < calls) {
                break;
            }
            best = rate;
        }
        System.out.printf("sip setups best: rate=%d%n", best);
    }

    /**
     * Row 2: new calls at {@code rate} a second, each held then released over HTTP once it is up;
     * first for {@code warmup} seconds unmeasured (the server's and this driver's JIT), then measured.
     */
    private void holds(int rate, int seconds, int warmup) throws Exception {
        if (warmup > 0) {
            holds(rate, warmup, false);
        }
        holds(rate, seconds, true);
    }

    private void holds(int rate, int seconds, boolean measured) throws Exception {
        Histogram hold = new Histogram(60_000_000L, 3);
        Histogram release = new Histogram(60_000_000L, 3);
        AtomicInteger refused = new AtomicInteger();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        HttpRequest events = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/demo/service/cc/arm/events"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = http.send(events, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> read(stream.body(), seen, hold, release, refused), "sip-events");
        reader.setDaemon(true);
        reader.start();
        Process callers = sipp(List.of("127.0.0.1:" + sipPort, "-sf", "caller-any.xml", "-s", "1001", "-i", "127.0.0.1",
                "-p", Integer.toString(freePort()), "-r", Integer.toString(rate), "-m", Integer.toString(rate * seconds), "-l", "100000",
                "-timeout", Integer.toString(seconds * 3 + 60), "-max_socket", "10000", "-nostdin"), "holds");
        String output = new String(callers.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        callers.waitFor();
        stream.body().close();
        Thread.sleep(1_000); // the last commands' answers
        if (!measured) {
            return;
        }
        synchronized (hold) {
            System.out.printf(holdsLabel + ": rate=%d calls=%d failed=%d held=%d hold_p50_us=%d hold_p99_us=%d released=%d "
                            + "release_p50_us=%d release_p99_us=%d refused=%d%n", rate, last(output, "Successful call"),
                    last(output, "Failed call"), hold.getTotalCount(), hold.getValueAtPercentile(50),
                    hold.getValueAtPercentile(99), release.getTotalCount(), release.getValueAtPercentile(50),
                    release.getValueAtPercentile(99), refused.get());
        }
    }

    /** Reads the event stream; each conversation that comes up is held and then released, once. */
    private void read(InputStream body, Set<String> seen, Histogram hold, Histogram release, AtomicInteger refused) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Matcher id = CONVERSATION.matcher(line);
                Matcher status = STATUS.matcher(line);
                if (line.startsWith("data:") && id.find() && status.find() && status.group(1).equals("working")
                        && seen.add(id.group(1))) {
                    String conversation = id.group(1);
                    holdAndRelease(conversation, hold, release, refused);
                }
            }
        } catch (IOException e) {
            // the stream closed at the end of the row
        }
    }

    /** Holds the conversation, then releases it, each timed from its request to its answer; no thread waits. */
    private void holdAndRelease(String conversation, Histogram hold, Histogram release, AtomicInteger refused) {
        command("call_hold", conversation).thenCompose(held -> {
            record(hold, held, refused);
            return held < 0 ? CompletableFuture.completedFuture(-1L) : command("call_unhold", conversation);
        }).thenAccept(released -> record(release, released, refused)).exceptionally(failure -> {
            refused.incrementAndGet();
            return null;
        });
    }

    private static void record(Histogram histogram, long micros, AtomicInteger refused) {
        if (micros < 0) {
            refused.incrementAndGet();
            return;
        }
        synchronized (histogram) {
            histogram.recordValue(micros);
        }
    }

    /** The command's latency in microseconds, or -1 when it was not answered 200. */
    private CompletableFuture<Long> command(String name, String conversation) {
        int port = commandPort != 0 ? commandPort : httpPort;
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/demo/service/cc/arm/" + name))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                        "<in><request><" + name + " conversation_id=\"" + conversation + "\"/></request></in>")).build();
        long start = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(answer -> answer.statusCode() == 200 ? (System.nanoTime() - start) / 1_000 : -1L);
    }

    /** Row 3: the heap (after a full GC) with {@code first} and then {@code second} calls up; the slope per call. */
    private void heap(int first, int second) throws Exception {
        Process callers = sipp(List.of("127.0.0.1:" + sipPort, "-sf", "caller-stays.xml", "-s", "1001", "-i", "127.0.0.1",
                "-p", Integer.toString(freePort()), "-r", "200", "-m", Integer.toString(second), "-l", "100000", "-max_socket", "10000",
                "-nostdin"), "heap");
        try {
            long atFirst = heapWhenUp(first);
            long atSecond = heapWhenUp(second);
            System.out.printf("sip heap: from=%d heap_from=%d to=%d heap_to=%d per_call_bytes=%d%n", first, atFirst,
                    second, atSecond, (atSecond - atFirst) / (second - first));
        } finally {
            callers.destroyForcibly();
        }
    }

    /** Waits until {@code calls} calls are up (the server's gauge), then the heap used after a full GC. */
    private long heapWhenUp(int calls) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (callsUp() < calls) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + callsUp() + " calls came up of " + calls);
            }
            Thread.sleep(200);
        }
        run("jcmd", Long.toString(serverPid), "GC.run");
        String info = run("jcmd", Long.toString(serverPid), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** The server's {@code ccarm.sip.calls} gauge, from its metrics. */
    private long callsUp() throws Exception {
        String metrics = run("sh", "-c", "curl -s http://127.0.0.1:" + System.getProperty("ccarm.ops.port") + "/metrics");
        Matcher gauge = Pattern.compile("(?m)^ccarm_sip_calls\\S* (\\d+)").matcher(metrics);
        return gauge.find() ? Long.parseLong(gauge.group(1)) : 0;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    private Process sipp(List<String> args, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of("sipp"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(scenarios.toFile()).redirectErrorStream(true);
        if (name.equals("phone") || name.equals("heap")) {
            builder.redirectOutput(scenarios.resolve(name + ".out").toFile());
        }
        return builder.start();
    }

    /** The last number on the last line of SIPp's screen that names {@code what} (its cumulative column). */
    private static long last(String output, String what) {
        long value = 0;
        for (String line : output.split("\n")) {
            if (line.contains(what)) {
                Matcher number = LAST_COLUMN.matcher(line.trim());
                if (number.find()) {
                    value = Long.parseLong(number.group(1));
                }
            }
        }
        return value;
    }

    private static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
