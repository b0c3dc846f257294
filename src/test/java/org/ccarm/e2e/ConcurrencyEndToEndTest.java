package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.holdXml;
import static org.ccarm.e2e.RunningServer.uniqueId;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.ccarm.testing.Race;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many clients racing on one conversation over real sockets: exactly one wins. */
class ConcurrencyEndToEndTest {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    private static final int CLIENTS = 48;

    @Test
    void concurrentUnholdsOfOneHeldConversationSucceedExactlyOnce() throws Exception {
        String id = uniqueId("held");
        SERVER.add(heldBy("1001", "demo", id, "1001", "1002"));
        Map<Integer, Integer> statuses = race("call_unhold", i -> unholdXml(id, i % 2 == 0 ? "1001" : "1002"));
        assertEquals(Map.of(200, 1, 403, CLIENTS - 1), statuses);
        assertFalse(SERVER.stored("demo", id).isOnHold());
    }

    @Test
    void concurrentHoldsOfOneFreeConversationSucceedExactlyOnce() throws Exception {
        String id = uniqueId("free");
        SERVER.add(free("demo", id, "1001", "1002"));
        Map<Integer, Integer> statuses = race("call_hold", i -> holdXml(id, i % 2 == 0 ? "1001" : "1002"));
        assertEquals(Map.of(200, 1, 403, CLIENTS - 1), statuses);
        assertTrue(SERVER.stored("demo", id).isOnHold());
    }

    /** Sends CLIENTS requests at once, each on its own connection; returns how many got each status. */
    private static Map<Integer, Integer> race(String command, IntFunction<String> body) throws Exception {
        URI uri = URI.create(SERVER.uri() + "demo/service/cc/arm/" + command);
        List<Integer> statuses = Race.run(CLIENTS, i -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build();
            return () -> client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        });
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach(status -> counts.merge(status, 1, Integer::sum));
        return counts;
    }
}
