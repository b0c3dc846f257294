package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of 1,000 new connections is accepted without a drop: the listen backlog
 * ({@code http.accept-queue-size}, 1,024) holds them until Jetty accepts. With Java's
 * default backlog of 50 the kernel dropped some (each costing its client a 1 s SYN
 * retry). A drop is read off the kernel's own counters (ListenOverflows and ListenDrops
 * in /proc/net/netstat), not guessed from timings. The connections come from four
 * loopback addresses, as real clients come from many (the per-address limit is 1,000).
 */
class ConnectionBurstEndToEndTest {

    private static final int CONNECTIONS = 1_000;

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void aBurstOfAThousandConnectionsIsAcceptedWithoutADrop() throws IOException {
        long before = listenDrops();
        InetSocketAddress server = new InetSocketAddress(SERVER.uri().getHost(), SERVER.uri().getPort());
        List<SocketChannel> channels = new ArrayList<>(CONNECTIONS);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.configureBlocking(false);
                channel.bind(new InetSocketAddress("127.0.0." + (2 + i % 4), 0));
                channel.connect(server);
                channel.register(selector, SelectionKey.OP_CONNECT);
            }
            int connected = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (connected < CONNECTIONS && System.nanoTime() < deadline) {
                selector.select(1_000);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isConnectable() && ((SocketChannel) key.channel()).finishConnect()) {
                        key.cancel();
                        connected++;
                    }
                }
                selector.selectedKeys().clear();
            }
            assertEquals(CONNECTIONS, connected, "connections established");
            // every one of them is served: a request on each, answered (404: a path outside the API)
            for (SocketChannel channel : channels) {
                channel.configureBlocking(true);
                channel.write(ByteBuffer.wrap("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
            }
            for (SocketChannel channel : channels) {
                ByteBuffer head = ByteBuffer.allocate(12);
                while (head.hasRemaining() && channel.read(head) >= 0) {
                    // reads the status line's start
                }
                assertEquals("HTTP/1.1 404", new String(head.array(), StandardCharsets.US_ASCII));
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
        assertEquals(0, listenDrops() - before, "connections the kernel dropped for a full listen queue");
    }

    /** The kernel's count of connections dropped at listening sockets (overflows and drops), in this network namespace. */
    private static long listenDrops() throws IOException {
        Path netstat = Path.of("/proc/net/netstat");
        Assumptions.assumeTrue(Files.isReadable(netstat), "no /proc/net/netstat here to read drops from");
        List<String> lines = Files.readAllLines(netstat);
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                long drops = 0;
                for (int k = 0; k < names.length; k++) {
                    if (names[k].equals("ListenOverflows") || names[k].equals("ListenDrops")) {
                        drops += Long.parseLong(values[k]);
                    }
                }
                return drops;
            }
        }
        Assumptions.abort("/proc/net/netstat has no TcpExt counters");
        return 0;
    }
}
