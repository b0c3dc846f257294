package org.ccarm.e2e;

import static io.restassured.RestAssured.given;
import static org.ccarm.e2e.Sessions.loginXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.ConfigLoader;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.RedisServer;
import org.junit.jupiter.api.Test;

/**
 * A Redis that lost its data (FLUSHALL here; a restart without persistence alike) while two
 * instances run on it: the instances notice, one loads the configured fixtures again
 * (operators and conversations), and meanwhile a login with the right password is answered
 * 503, never 401 or 429. Once the server only noticed at its next start, and until then
 * every password was "wrong".
 */
class RedisDataLossEndToEndTest {

    @Test
    void aRedisThatLostItsDataGetsTheFixturesBackAndNoRightPasswordIsCalledWrong() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ServerConfig config = ConfigLoader.load(ConfigLoader.packed(), Map.of("CCARM_STORE", "redis",
                    "CCARM_REDIS_URL", redis.url(), "CCARM_HTTP_PORT", "0", "CCARM_OPS_PORT", "0", "CCARM_SIP_PORT", "0"));
            CcArmServer a = CcArmServer.start(config);
            CcArmServer b = CcArmServer.start(config);
            ConversationStore direct = CcArmServer.openStore(config.store());
            RedisClient client = RedisClient.create(redis.url());
            try (var connection = client.connect()) {
                assertEquals(200, login(a).statusCode());
                connection.sync().flushall();
                List<Integer> answers = new ArrayList<>();
                List<Integer> readiness = new ArrayList<>();
                Await.until(() -> {
                    readiness.add(RestAssured.get(b.opsUri() + "health/ready").statusCode());
                    int status = login(answers.size() % 2 == 0 ? a : b).statusCode();
                    answers.add(status);
                    return status == 200;
                }, "a login with the right password succeeds again");
                System.out.println("logins after the flush: " + answers + "; readiness meanwhile: " + readiness);
                assertTrue(answers.stream().allMatch(s -> s == 200 || s == 503), "never 401 or 429: " + answers);
                assertTrue(direct.find(new ConversationKey("demo", "0647e098a4b48b05")).isPresent(),
                        "the fixture's conversations are back too");
                Await.until(() -> RestAssured.get(a.opsUri() + "health/ready").statusCode() == 200, "ready");
                Await.until(() -> RestAssured.get(b.opsUri() + "health/ready").statusCode() == 200, "ready");
            } finally {
                client.shutdown();
                direct.close();
                a.close();
                b.close();
            }
        }
    }

    private static Response login(CcArmServer server) {
        return given().baseUri(server.uri().toString()).contentType("application/xml")
                .body(loginXml("1001", "demo-1001")).post("/demo/service/cc/arm/login");
    }
}
