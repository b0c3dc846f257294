package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests Jetty refuses before any route still get an out document, and the server keeps serving. */
class JettyRefusalEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /demo/service/cc/arm/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GARBAGE\r\n\r\n",
            "POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\n",
    })
    void aRequestJettyRefusesIsAnsweredWithAnOutDocument(String raw) throws Exception {
        String answer = exchange(raw);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("<out xmlns:xs=\"http://www.w3.org/2001/XMLSchema-instance\"")
                && answer.contains("reason=\"bad_request\""), answer);
        assertTrue(!answer.contains("<html") && !answer.contains("Exception"), answer);
        String next = exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(next.startsWith("HTTP/1.1 404"), next);
    }

    private static String exchange(String raw) throws Exception {
        try (Socket socket = new Socket(SERVER.uri().getHost(), SERVER.uri().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
