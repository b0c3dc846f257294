package org.ccarm.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.Map;
import org.ccarm.CcArmServer;
import org.ccarm.config.ConfigLoader;
import org.ccarm.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Docker image's configuration ({@code config/image.properties}, copied over
 * {@code server.properties} in the image) ships no usable credentials: the published
 * demo passwords log nobody in, the server starts all the same and its log says how to
 * add operators; one added through the feed logs in. Here on loopback and free ports.
 */
class ImageConfigurationEndToEndTest {

    private static final Path IMAGE = Path.of("config", "image.properties");

    @Test
    void theImageShipsNoUsableCredentialsAndSaysHowToAddOperators() throws Exception {
        ServerConfig asShipped = ConfigLoader.load(IMAGE, Map.of());
        assertEquals("0.0.0.0", asShipped.httpHost(), "in a container the listener must not stay on loopback");
        assertTrue(asShipped.auth().required());
        assertTrue(asShipped.domains().stream().allMatch(d -> d.operators().isEmpty() && d.fixture().isEmpty()),
                "no demo operators nor conversations: " + asShipped.domains());

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger server = (Logger) LoggerFactory.getLogger(CcArmServer.class);
        server.addAppender(log);
        CcArmServer running;
        try {
            running = CcArmServer.start(ConfigLoader.load(IMAGE, Map.of("CCARM_HTTP_HOST", "127.0.0.1",
                    "CCARM_HTTP_PORT", "0", "CCARM_OPS_PORT", "0", "CCARM_ADMIN_TOKEN", RunningServer.TOKEN)));
        } finally {
            server.detachAppender(log);
        }
        try {
            assertTrue(log.list.stream().map(ILoggingEvent::getFormattedMessage).anyMatch(line ->
                    line.contains("domain demo has no operators file") && line.contains("PUT /admin/domains/demo/operators/<id>")),
                    "the log says how to add operators: " + log.list);
            String base = running.uri().toString();
            for (String operator : new String[] {"1001", "9001"}) {
                Response login = given().baseUri(base).contentType("application/xml")
                        .body(Sessions.loginXml(operator, "demo-" + operator)).post("/demo/service/cc/arm/login");
                assertEquals(401, login.statusCode(), "the published demo password of " + operator + " opens nothing");
            }
            assertEquals(201, given().baseUri(base).header("Authorization", "Bearer " + RunningServer.TOKEN)
                    .contentType("application/json").body("{\"password\": \"a-real-secret\"}")
                    .put("/admin/domains/demo/operators/2001").statusCode());
            assertEquals(200, given().baseUri(base).contentType("application/xml")
                    .body(Sessions.loginXml("2001", "a-real-secret")).post("/demo/service/cc/arm/login").statusCode());
        } finally {
            running.close();
        }
    }
}
