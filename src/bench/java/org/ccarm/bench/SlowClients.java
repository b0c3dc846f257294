package org.ccarm.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The slow-client row's attackers: connections that send a request and then trickle
 * it, one byte every few seconds, as slowloris does. Half trickle their body (after a
 * complete head declaring a body of 200 bytes), half their head (a header that never
 * ends). They come from several loopback addresses (127.0.0.2 and up), as real clients
 * come from many. When the server closes one (its deadline: 408), it is opened again at
 * once, so the pressure stays for the whole run. One thread, non-blocking sockets.
 *
 * <pre>java -cp ... org.ccarm.bench.SlowClients HOST PORT BODY_TRICKLERS HEAD_TRICKLERS ADDRESSES SECONDS</pre>
 *
 * prints {@code slow_open=N reopened=N} every 5 s and at the end.
 */
public final class SlowClients {

    private static final long TRICKLE_NANOS = 5_000_000_000L;

    private final InetSocketAddress server;
    private final Selector selector = Selector.open();
    private final List<InetAddress> sources = new ArrayList<>();
    private long reopened;
    private int next;

    private static final class Slow {
        final boolean body;
        long nextByteNanos;

        Slow(boolean body) {
            this.body = body;
        }
    }

    private SlowClients(InetSocketAddress server, int addresses) throws IOException {
        this.server = server;
        for (int i = 0; i < addresses; i++) {
            sources.add(InetAddress.getByName("127.0.0." + (2 + i)));
        }
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int bodies = Integer.parseInt(args[2]);
        int heads = Integer.parseInt(args[3]);
        SlowClients clients = new SlowClients(server, Integer.parseInt(args[4]));
        long end = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        for (int i = 0; i < bodies + heads; i++) {
            clients.open(i < bodies);
        }
        clients.run(end);
    }

    private void open(boolean body) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(sources.get(next++ % sources.size()), 0));
        channel.connect(server); // blocking connect on loopback: immediate
        channel.configureBlocking(false);
        String start = body
                ? "POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 200\r\n\r\n<in>"
                : "POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        channel.write(ByteBuffer.wrap(start.getBytes(StandardCharsets.US_ASCII)));
        Slow slow = new Slow(body);
        slow.nextByteNanos = System.nanoTime() + TRICKLE_NANOS;
        channel.register(selector, SelectionKey.OP_READ, slow);
    }

    private void run(long end) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        long report = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            selector.select(100);
            List<Boolean> reopen = new ArrayList<>();
            for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                SelectionKey key = keys.next();
                keys.remove();
                SocketChannel channel = (SocketChannel) key.channel();
                sink.clear();
                int read;
                try {
                    read = channel.read(sink);
                } catch (IOException e) {
                    read = -1;
                }
                if (read < 0) { // the server answered (408) and closed: come back
                    reopen.add(((Slow) key.attachment()).body);
                    key.cancel();
                    channel.close();
                }
            }
            long now = System.nanoTime();
            for (SelectionKey key : selector.keys()) {
                Slow slow = (Slow) key.attachment();
                if (key.isValid() && now >= slow.nextByteNanos) {
                    try {
                        ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {'a'}));
                    } catch (IOException e) {
                        // closed meanwhile; the read side will notice
                    }
                    slow.nextByteNanos = now + TRICKLE_NANOS;
                }
            }
            for (boolean body : reopen) {
                reopened++;
                open(body);
            }
            if (now > report) {
                System.out.println("slow_open=" + selector.keys().size() + " reopened=" + reopened);
                report = now + 5_000_000_000L;
            }
        }
        System.out.println("slow_open=" + selector.keys().size() + " reopened=" + reopened);
    }
}
