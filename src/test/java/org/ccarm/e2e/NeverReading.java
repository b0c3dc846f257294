package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Websocket clients written by hand on a plain socket, to do what a polite client library would not. */
final class NeverReading {

    private NeverReading() {}

    /**
     * A websocket that subscribes to the whole domain and then never reads.
     *
     * @param token         a session's token for the upgrade, or null
     * @param receiveBuffer the socket's receive buffer; 0: the system's own
     */
    static Socket subscribe(RunningServer server, String domain, String token, int receiveBuffer) throws Exception {
        Socket socket = upgrade(server, domain, token, receiveBuffer);
        sendText(socket.getOutputStream(), Sessions.frame("0001", "subscribe", Sessions.json("subscribe", Map.of())));
        return socket;
    }

    /** A websocket connection, upgraded; nothing sent yet. */
    static Socket upgrade(RunningServer server, String domain, String token, int receiveBuffer) throws Exception {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", server.uri().getPort()));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /" + domain + "/service/cc/arm/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return socket;
    }

    /** One masked text frame, its length in the 16-bit field (frames here are under 64 KiB). */
    static void sendText(OutputStream out, String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) (payload.length >> 8), (byte) payload.length});
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        out.write(payload);
        out.flush();
    }
}
