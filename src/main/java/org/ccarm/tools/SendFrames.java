package org.ccarm.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends websocket frames and prints the answers, one per line:
 *
 * <pre>
 * java -cp target/cc-arm-server.jar org.ccarm.tools.SendFrames [--listen SECONDS] ws://127.0.0.1:8080/demo/service/cc/arm/ws FRAME...
 * </pre>
 *
 * All frames are sent at once (pipelined); it waits up to ten seconds for as many
 * answers, and exits 1 if they do not come or the server closes the connection. Event
 * frames (after a {@code subscribe}) are printed as they come; with {@code --listen} it
 * stays that many seconds after the answers, printing the events.
 */
public final class SendFrames {

    private SendFrames() {}

    public static void main(String[] args) throws Exception {
        long listenSeconds = 0;
        if (args.length > 1 && args[0].equals("--listen")) {
            listenSeconds = Long.parseLong(args[1]);
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length < 2) {
            System.err.println("usage: SendFrames [--listen SECONDS] ws://host:port/<DOMAIN>/service/cc/arm/ws FRAME...");
            System.exit(2);
        }
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String frame = partial.toString();
                            partial.setLength(0);
                            if (frame.length() > 16 && !Character.isDigit(frame.charAt(16))) {
                                System.out.println(frame); // an event: a name where an answer has its status
                            } else {
                                answers.add(frame);
                            }
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        answers.add("closed by the server: " + statusCode + " " + reason);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        for (int i = 1; i < args.length; i++) {
            socket.sendText(args[i], true).get(10, TimeUnit.SECONDS);
        }
        int status = 0;
        for (int i = 1; i < args.length; i++) {
            String answer = answers.poll(10, TimeUnit.SECONDS);
            if (answer == null || answer.startsWith("closed by the server")) {
                System.err.println(answer == null ? "no answer within 10 s" : answer);
                status = 1;
                break;
            }
            System.out.println(answer);
        }
        if (status == 0 && listenSeconds > 0) {
            String closed = answers.poll(listenSeconds, TimeUnit.SECONDS); // events print meanwhile
            if (closed != null) {
                System.err.println(closed);
            }
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        System.exit(status);
    }
}
