package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ccarm.config.AuthConfig;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Catch-ups (snapshots) that one client makes many of, or never reads, against the real
 * server over real sockets: nobody else's snapshot of a small domain waits on them. A
 * hostile pass once pipelined subscribes on one websocket (each replaced catch-up scanned
 * a large domain to its end) and made another subscriber's snapshot take 47 s instead of
 * 0.02 s; 16 supervisors that never read pinned every catch-up thread.
 */
class CatchUpStormEndToEndTest {

    /** Far above what a snapshot of three conversations takes, far below what the storms once cost. */
    private static final long SMALL_SNAPSHOT_BOUND_MILLIS = 5_000;
    private static final int BIG_DOMAIN = 30_000;

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer(TestConfigs.config(Optional.of(RunningServer.TOKEN), "big", "small")
            .withAuth(AuthConfig.REQUIRED));

    private static WebSocketClient client;

    @BeforeAll
    static void domains() throws Exception {
        putOperator("big", "1001", false);
        putOperator("big", "1003", false); // in none of the big domain's conversations
        putOperator("big", "9001", true);
        putOperator("small", "2001", false);
        // long operator lists make each snapshot entry large: a supervisor's snapshot is megabytes
        List<String> crowd = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            crowd.add("1001-" + i);
        }
        crowd.add("1001");
        for (int i = 0; i < BIG_DOMAIN; i++) {
            SERVER.add(free("big", "big-" + i, crowd.toArray(String[]::new)));
        }
        for (int i = 0; i < 3; i++) {
            SERVER.add(free("small", "small-" + i, "2001"));
        }
        client = new WebSocketClient();
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    private static void putOperator(String domain, String id, boolean supervisor) {
        assertTrue(SERVER.request().header("Authorization", "Bearer " + RunningServer.TOKEN).contentType("application/json")
                .body("{\"password\": \"password-" + id + "\", \"supervisor\": " + supervisor + "}")
                .put("/admin/domains/" + domain + "/operators/" + id).statusCode() < 300);
    }

    private static URI ws(String domain) {
        return URI.create("ws://" + SERVER.uri().getAuthority() + "/" + domain + "/service/cc/arm/ws");
    }

    private static String subscribeFrame(int id) {
        return Sessions.frame(String.format("%04d", id % 10_000), "subscribe", Sessions.json("subscribe", Map.of()));
    }

    /** How long the small domain's operator waits for the end of its snapshot, in ms. */
    private static long smallSnapshotMillis() throws Exception {
        String token = Sessions.login(SERVER, "small", "2001", "password-2001");
        try (FrameClient frames = FrameClient.connect(client, ws("small"), Map.of("Authorization", "Bearer " + token))) {
            long began = System.nanoTime();
            frames.send(subscribeFrame(1));
            int entries = 0;
            while (true) {
                String frame = frames.receive();
                if (!EventFrames.isEvent(frame)) {
                    assertEquals(200, Sessions.status(frame), frame);
                    continue;
                }
                String type = EventFrames.event(frame).get("type");
                if (type.equals("snapshot_end")) {
                    assertEquals(3, entries, "the small domain's three conversations");
                    return (System.nanoTime() - began) / 1_000_000;
                }
                entries++;
            }
        }
    }

    @Test
    void aStormOfSubscribesOnOneConnectionDelaysNobodyElsesSnapshot() throws Exception {
        String quiet = Sessions.login(SERVER, "big", "1003", "password-1003");
        int storm = 2_000;
        try (FrameClient frames = FrameClient.connect(client, ws("big"), Map.of("Authorization", "Bearer " + quiet))) {
            for (int i = 0; i < storm; i++) {
                frames.send(subscribeFrame(i)); // pipelined: no answer awaited
            }
            long millis = smallSnapshotMillis();
            System.out.printf("a small snapshot during a storm of %d subscribes took %d ms%n", storm, millis);
            assertTrue(millis < SMALL_SNAPSHOT_BOUND_MILLIS, millis + " ms");

            int answers = 0;
            int ends = 0;
            while (answers < storm) {
                String frame = frames.receive();
                if (EventFrames.isEvent(frame)) {
                    assertEquals("snapshot_end", EventFrames.event(frame).get("type"), "1003 is in no conversation");
                    ends++;
                } else {
                    assertEquals(200, Sessions.status(frame), frame);
                    answers++;
                }
            }
            Await.until(() -> SERVER.eventSubscriptions() == 1, "only the last subscribe of the connection stands");
            assertTrue(ends <= storm, "replaced catch-ups ended early, or never began");
        }
    }

    @Test
    void supervisorsThatNeverReadTheirSnapshotsHoldUpNobody() throws Exception {
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int session = 0; session < 5; session++) {
                String token = Sessions.login(SERVER, "big", "9001", "password-9001");
                for (int i = 0; i < 4; i++) {
                    stuck.add(NeverReading.subscribe(SERVER, "big", token, 4096));
                }
            }
            Await.until(() -> SERVER.eventSubscriptions() == stuck.size(), "all subscribed");
            long millis = smallSnapshotMillis();
            System.out.printf("a small snapshot beside %d supervisors not reading theirs took %d ms%n", stuck.size(), millis);
            assertTrue(millis < SMALL_SNAPSHOT_BOUND_MILLIS, millis + " ms");
        } finally {
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }
}
