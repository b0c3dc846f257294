package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Await;

/**
 * Clients that hold and release their own conversations over HTTP, as fast as they are
 * answered, while a test breaks something under them (kills a Redis, moves a hash slot).
 * Each keeps what the answers told it, so that a lost change shows: a later 403 that
 * contradicts a 200 ("already on hold" after an answered release), or a final state other
 * than the last 200 left. Any answer but 200, such a 403 and 503 {@code store_unavailable}
 * is noted as odd.
 */
final class HoldReleaseLoad {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String domain;
    private final List<Client> clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong brokenAt = new AtomicLong(); // when the test broke something
    private final AtomicLong firstRefusal = new AtomicLong(); // the first 503 after that
    private final AtomicLong backAt = new AtomicLong(); // the first 200 of a request sent after that 503
    private final AtomicLong lastRefusal = new AtomicLong();
    private final Map<String, String> odd = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong(); // connections closed before an answer began
    private final ExecutorService threads;

    /** What one client last knew of its conversation, from the answers it got. */
    private static final class Client {
        final String id;
        boolean held; // as the last 200 (or a 403 that says which) left it
        boolean uncertain; // a 503 saying the outcome is unknown came after it
        int contradicted; // a 403 that says otherwise than a certain last 200: an answered change was lost
        final Map<Integer, Integer> statuses = new TreeMap<>();

        Client(String id) {
            this.id = id;
        }
    }

    /** Starts one client per conversation id (free conversations of operator 1001 in {@code domain}). */
    HoldReleaseLoad(URI base, String domain, List<String> conversationIds) {
        this.base = base;
        this.domain = domain;
        this.clients = conversationIds.stream().map(Client::new).toList();
        this.threads = Executors.newFixedThreadPool(clients.size());
        clients.forEach(client -> threads.submit(() -> drive(client)));
    }

    /** Waits until every client has had more than {@code answers} answers 200. */
    HoldReleaseLoad awaitRunning(int answers) {
        Await.until(() -> clients.stream().allMatch(c -> {
            synchronized (c) {
                return c.statuses.getOrDefault(200, 0) > answers;
            }
        }), Duration.ofSeconds(20), "the load runs");
        return this;
    }

    /** Notes that the test broke something now: the window is measured from here. */
    void broken() {
        brokenAt.set(System.nanoTime());
    }

    /** Whether a request sent after the first 503 since {@link #broken} was answered 200. */
    boolean isBack() {
        return backAt.get() != 0;
    }

    /** Milliseconds from {@link #broken} to service back (see {@link #isBack}); 0 if there was no 503. */
    long windowMillis() {
        return backAt.get() == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(backAt.get() - brokenAt.get());
    }

    /** Milliseconds from {@link #broken} to the last 503; 0 if none. */
    long lastRefusalMillis() {
        return lastRefusal.get() == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(lastRefusal.get() - brokenAt.get());
    }

    /** Load for a while longer, or less if something odd came. */
    void keepOn(Duration more) {
        long since = System.nanoTime();
        Await.until(() -> System.nanoTime() - since > more.toNanos() || !odd.isEmpty(), more.plusSeconds(3),
                "more load");
    }

    /** Answers other than 200, a 403 saying the state and 503 store_unavailable, by conversation. */
    Map<String, String> odd() {
        return odd;
    }

    /** Requests whose connection closed before any byte of an answer came (counted, not odd; the outcome unknown). */
    long dropped() {
        return dropped.get();
    }

    int count(int status) {
        int count = 0;
        for (Client client : clients) {
            synchronized (client) {
                count += client.statuses.getOrDefault(status, 0);
            }
        }
        return count;
    }

    /** Answered changes lost: contradicting 403s, and final states (read from {@code store}) other than the last 200's. */
    int lost(ConversationStore store) {
        int lost = 0;
        for (Client client : clients) {
            boolean held = store.find(new ConversationKey(domain, client.id)).orElseThrow().isOnHold();
            synchronized (client) {
                if (held != client.held && !client.uncertain) {
                    lost++;
                }
                lost += client.contradicted;
            }
        }
        return lost;
    }

    /** Stops the clients and waits for them. */
    void stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "the clients stop");
    }

    /** One client: holds and releases its conversation, as its last answers say it is, until told to stop. */
    private void drive(Client client) {
        while (running.get()) {
            String command = client.held ? "call_unhold" : "call_hold";
            long sent = System.nanoTime();
            int status;
            String body;
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve(domain + "/service/cc/arm/" + command))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/xml")
                        .POST(HttpRequest.BodyPublishers.ofString("<in><request><" + command + " conversation_id=\""
                                + client.id + "\" operator_id=\"1001\"/></request></in>")).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = answer.statusCode();
                body = answer.body();
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("received no bytes")) {
                    // the connection was closed before any byte of an answer: the JDK client reusing a kept-alive
                    // connection as it closed; the request may not have arrived, so the outcome is unknown
                    synchronized (client) {
                        client.uncertain = true;
                        dropped.incrementAndGet();
                    }
                    continue;
                }
                odd.put(client.id, "no answer: " + e);
                return;
            } catch (InterruptedException e) {
                odd.put(client.id, "interrupted");
                return;
            }
            synchronized (client) {
                client.statuses.merge(status, 1, Integer::sum);
                if (status == 200) {
                    client.held = command.equals("call_hold");
                    client.uncertain = false;
                    if (firstRefusal.get() != 0 && sent > firstRefusal.get()) {
                        backAt.compareAndSet(0, System.nanoTime());
                    }
                } else if (status == 403 && (body.contains("already on hold") || body.contains("is not on hold"))) {
                    boolean held = body.contains("already on hold");
                    if (held != client.held && !client.uncertain) {
                        client.contradicted++; // the store is not as our last 200 left it
                    }
                    client.held = held; // (a change of unknown outcome may have been made after all)
                    client.uncertain = false;
                } else if (status == 503 && body.contains("reason=\"store_unavailable\"")) {
                    lastRefusal.set(System.nanoTime());
                    if (brokenAt.get() != 0) {
                        firstRefusal.compareAndSet(0, lastRefusal.get());
                    }
                    client.uncertain |= body.contains("unknown");
                } else {
                    odd.put(client.id, status + " " + body);
                }
            }
        }
    }
}
