package org.ccarm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server for tests, in its own process, on a free port with its own
 * directory: {@code redis-server} from the PATH when there is one (CI installs Debian's
 * package), else the binary shipped in {@code com.github.codemonstur:embedded-redis}
 * (Redis 6.2), so the tests pass on a machine with only a JDK too. It can be stopped,
 * killed and started again on the same port and directory, with its append-only file.
 */
public final class RedisServer implements AutoCloseable {

    private static final String EMBEDDED = "redis-server-6.2.6-v5-linux-amd64";

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final Path sentinelConfig; // null: a data server
    private Process process;

    private RedisServer(Path dir, int port, List<String> extraArgs, Path sentinelConfig) {
        this.dir = dir;
        this.port = port;
        this.extraArgs = extraArgs;
        this.sentinelConfig = sentinelConfig;
    }

    private RedisServer(Path dir, int port, List<String> extraArgs) {
        this(dir, port, extraArgs, null);
    }

    /**
     * A node for a cluster: its port below 50,001, as its cluster bus listens on the port
     * plus 10,000.
     */
    public static RedisServer startClusterNode(String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("ccarm-redis-cluster");
        int port = freePort();
        while (port > 50_000) {
            port = freePort();
        }
        RedisServer server = new RedisServer(dir, port, List.of(extraArgs));
        server.startAgain();
        return server;
    }

    /**
     * A Sentinel watching the primary on {@code primaryPort} as {@code master}, with a
     * quorum of {@code quorum}, deciding it is down after {@code downAfterMillis} (the same
     * binary, in sentinel mode, with a configuration file it rewrites as it learns).
     */
    public static RedisServer sentinel(String master, int primaryPort, int quorum, long downAfterMillis)
            throws IOException {
        Path dir = Files.createTempDirectory("ccarm-sentinel");
        int port = freePort();
        Path config = dir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + port, "bind 127.0.0.1", "protected-mode no", "dir " + dir,
                "sentinel monitor " + master + " 127.0.0.1 " + primaryPort + " " + quorum,
                "sentinel down-after-milliseconds " + master + " " + downAfterMillis,
                "sentinel failover-timeout " + master + " 10000",
                "sentinel parallel-syncs " + master + " 2", ""));
        RedisServer sentinel = new RedisServer(dir, port, List.of(), config);
        sentinel.startAgain();
        return sentinel;
    }

    /** Starts one with the append-only file on (fsync every second), as config/redis.conf ships it. */
    public static RedisServer start(String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("ccarm-redis");
        RedisServer server = new RedisServer(dir, freePort(), List.of(extraArgs));
        server.startAgain();
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** Starts the server (again) on its port and directory; returns once it accepts connections. */
    public void startAgain() throws IOException {
        List<String> command = sentinelConfig != null
                ? new ArrayList<>(List.of(binary().toString(), sentinelConfig.toString(), "--sentinel"))
                : new ArrayList<>(List.of(binary().toString(), "--port", String.valueOf(port),
                        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "yes",
                        "--appendfsync", "everysec", "--protected-mode", "no"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        Await.until(this::accepts, Duration.ofSeconds(20), "redis-server on port " + port + " accepts connections");
    }

    /** Stops it as an operator would (SIGTERM: it writes its files and exits). */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
        Await.until(() -> !accepts(), Duration.ofSeconds(10), "redis-server stopped");
    }

    /** Kills it without warning (SIGKILL). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    /** Stops it from answering without closing connections (SIGSTOP), as a stalled server does. */
    public void freeze() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).start().waitFor();
    }

    public void thaw() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-CONT", String.valueOf(process.pid())).start().waitFor();
    }

    @Override
    public void close() {
        if (process != null) {
            thawQuietly();
            process.destroyForcibly();
        }
    }

    private void thawQuietly() {
        try {
            thaw();
        } catch (IOException | InterruptedException e) {
            // it is killed next anyway
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static synchronized Path binary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path extracted = Path.of(System.getProperty("java.io.tmpdir"), "ccarm-" + EMBEDDED);
        if (!Files.isExecutable(extracted)) {
            try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
                if (in == null) {
                    throw new IOException("no redis-server on the PATH and no " + EMBEDDED + " on the class path");
                }
                Path temporary = Files.createTempFile("ccarm-redis", ".bin");
                Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(temporary, extracted, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return extracted;
    }
}
