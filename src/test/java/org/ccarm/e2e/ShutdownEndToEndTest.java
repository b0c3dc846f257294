package org.ccarm.e2e;

import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.ccarm.e2e.RunningServer.unholdXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ccarm.CcArmServer;
import org.ccarm.config.OpsConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop as operations expect it: readiness answers 503 at once, new commands
 * get 503 shutting_down for the drain, the command in flight is still answered,
 * websockets are closed with 1001 (going away).
 */
class ShutdownEndToEndTest {

    @Test
    void aStopTurnsAwayNewWorkFinishesWhatIsInFlightAndClosesWebsocketsWith1001() throws Exception {
        InMemoryConversationStore store = new InMemoryConversationStore();
        store.put(heldBy("1001", "demo", "in-flight", "1001"));
        ServerConfig plain = TestConfigs.config(Optional.empty(), "demo");
        ServerConfig draining = plain.withOps(new OpsConfig("127.0.0.1", 0, true, 1_500));
        CcArmServer server = CcArmServer.start(draining, store, Clock.systemUTC());
        WebSocketClient websockets = new WebSocketClient();
        websockets.start();
        CompletableFuture<Void> stopped = null;
        try {
            URI base = server.uri();
            FrameClient frames = FrameClient.connect(websockets,
                    URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/demo/service/cc/arm/ws"));
            String body = unholdXml("in-flight", null);
            try (RawClient inFlight = RawClient.connect(base); RawClient keptAlive = RawClient.connect(base)) {
                assertTrue(keptAlive.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 404"));
                inFlight.send("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 20));
                Await.until(() -> RestAssured.get(server.opsUri() + "metrics").asString().contains("ccarm_commands_in_flight 1.0"),
                        Duration.ofSeconds(5), "the command is in flight: admitted, its body on the way");

                stopped = CompletableFuture.runAsync(server::close);
                String ready = server.opsUri() + "health/ready";
                Await.until(() -> RestAssured.get(ready).statusCode() == 503, Duration.ofSeconds(5), "readiness answers 503 at once");
                String readiness = RestAssured.get(ready).asString();
                assertTrue(readiness.contains("\"accepting\":{\"passing\":false,\"state\":\"shutting_down\"}"), readiness);

                // during the drain, a new command is turned away, on a connection a client had and on a new one
                String onNew = RawClient.connect(base).send("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/xml\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                        + body).readToEnd();
                assertTrue(onNew.startsWith("HTTP/1.1 503") && onNew.contains("reason=\"shutting_down\""), onNew);
                String turnedAway = keptAlive.send("POST /demo/service/cc/arm/call_unhold HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/xml\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).readResponse();
                assertTrue(turnedAway.startsWith("HTTP/1.1 503"), turnedAway);
                assertTrue(turnedAway.contains("reason=\"shutting_down\""), turnedAway);

                String answer = inFlight.send(body.substring(20)).readResponse();
                assertTrue(answer.startsWith("HTTP/1.1 200"), "the command in flight is answered: " + answer);
            }
            assertEquals(1001, frames.awaitClose());
            stopped.get();
            assertTrue(!store.find(new org.ccarm.callcontrol.ConversationKey("demo", "in-flight")).orElseThrow().isOnHold());
        } finally {
            websockets.stop();
            if (stopped == null) {
                server.close();
            }
        }
    }
}
