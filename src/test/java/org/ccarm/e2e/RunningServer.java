package org.ccarm.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.ccarm.CcArmServer;
import org.ccarm.callcontrol.Conversation;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.ConversationStore;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real server, started once per test class on 127.0.0.1 and port 0, through the
 * same factory as {@code Main}. Register it as a static field with
 * {@code @RegisterExtension}.
 */
public final class RunningServer implements BeforeAllCallback, AfterAllCallback {

    public static final String TOKEN = "test-admin-token-of-at-least-32-characters";

    /** RestAssured would otherwise append "; charset=ISO-8859-1" to every XML content type. */
    private static final RestAssuredConfig AS_WRITTEN = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));

    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerConfig config;
    private final InMemoryConversationStore store;
    private CcArmServer server;

    public RunningServer(ServerConfig config) {
        this(config, new InMemoryConversationStore());
    }

    /** On this store (e.g. one that retains few events). */
    public RunningServer(ServerConfig config, InMemoryConversationStore store) {
        this.config = config;
        this.store = store;
    }

    /** Domains {@code demo} and {@code other}, the switch feed on with {@link #TOKEN}. */
    public RunningServer() {
        this(TestConfigs.config(Optional.of(TOKEN), "demo", "other"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = CcArmServer.start(config, store, Clock.systemUTC());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
    }

    public URI uri() {
        return server.uri();
    }

    /** The port SIP listens on (the configuration must turn SIP on). */
    public int sipPort() {
        return server.sipPort().orElseThrow(() -> new IllegalStateException("SIP is off in this test's configuration"));
    }

    /** The operations listener (health, metrics). */
    public URI opsUri() {
        return server.opsUri();
    }

    /** Connections open now, as the server counts them for its limits. */
    public int openConnections() {
        return server.openConnections();
    }

    /** Connections open on the operations listener now. */
    public int openOpsConnections() {
        return server.openOpsConnections();
    }

    /** Event subscriptions open on the server now (websockets and event streams). */
    public int eventSubscriptions() {
        return server.eventSubscriptions();
    }

    /** The store behind the server, to set up and inspect conversations directly. */
    public ConversationStore store() {
        return store;
    }

    /** A request to this server, body and headers exactly as the test writes them. */
    public RequestSpecification request() {
        return given().config(AS_WRITTEN).baseUri(uri().toString());
    }

    public Response post(String domain, String command, String xml) {
        return request().contentType("application/xml").body(xml).post("/" + domain + "/service/cc/arm/" + command);
    }

    /** A conversation id no other test uses. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    /** Puts the conversation in the store; returns it as stored (with its version). */
    public Conversation add(Conversation conversation) {
        return store().put(conversation).stored();
    }

    public Conversation stored(String domain, String id) {
        return store().find(new ConversationKey(domain, id)).orElseThrow();
    }

    public static String unholdXml(String conversationId, String operatorId) {
        return "<in><request><call_unhold conversation_id=\"" + conversationId + "\""
                + (operatorId == null ? "" : " operator_id=\"" + operatorId + "\"") + "/></request></in>";
    }

    public static String holdXml(String conversationId, String operatorId) {
        return "<in><request><call_hold conversation_id=\"" + conversationId + "\""
                + (operatorId == null ? "" : " operator_id=\"" + operatorId + "\"") + "/></request></in>";
    }
}
