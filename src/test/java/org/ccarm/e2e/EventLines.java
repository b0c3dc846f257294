package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A domain's event stream (Server-Sent Events, auth off) read line by line on a thread of its own, as a test watches it. */
final class EventLines {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private EventLines() {}

    /** Opens {@code GET /<domain>/service/cc/arm/events} on {@code server}; its lines arrive as they come. */
    static EventLines open(HttpClient http, URI server, String domain) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(server.resolve(domain + "/service/cc/arm/events"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        EventLines events = new EventLines();
        Thread reader = new Thread(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(events.lines::add);
            } catch (RuntimeException e) {
                // the server closed it
            }
        }, "sse-" + domain);
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    /** Waits for a line containing {@code text}, skipping the others; fails after {@code seconds}. */
    void await(String text, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return;
            }
        }
        throw new AssertionError("no line with " + text + " within " + seconds + " s");
    }
}
