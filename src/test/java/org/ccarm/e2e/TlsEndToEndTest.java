package org.ccarm.e2e;

import static org.ccarm.e2e.Sessions.loginXml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.ccarm.CcArmServer;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.TlsConfig;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestConfigs;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS (and wss) listener, with a self-signed keystore the test makes with the JDK's
 * keytool: a login over HTTPS sets a {@code Secure} cookie, the session serves over
 * HTTPS, and a websocket over wss logs in with a frame.
 */
class TlsEndToEndTest {

    private static final String PASSWORD = "test-keystore-password";

    @TempDir
    Path dir;

    private Path selfSignedKeystore() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        byte[] output = keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, new String(output));
        return keystore;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void httpsAndWssServeWithTheKeystoresCertificateAndSecureCookies() throws Exception {
        Path keystore = selfSignedKeystore();
        InMemoryConversationStore store = new InMemoryConversationStore();
        var config = TestConfigs.config(Optional.of(RunningServer.TOKEN), "demo").withAuth(AuthConfig.REQUIRED)
                .withTls(new TlsConfig(Optional.of(0), keystore, PASSWORD));
        try (CcArmServer server = CcArmServer.start(config, store, Clock.systemUTC())) {
            URI https = server.secureUri().orElseThrow();
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(https.resolve("/admin/domains/demo/operators/1001"))
                    .header("Authorization", "Bearer " + RunningServer.TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"password\": \"demo-1001\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            HttpResponse<String> login = http.send(HttpRequest.newBuilder(https.resolve("/demo/service/cc/arm/login"))
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString(
                            loginXml("1001", "demo-1001"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.endsWith("; HttpOnly; SameSite=Strict; Secure"), cookie);
            String token = cookie.substring("ccarm_session=".length(), cookie.indexOf(';'));

            HttpResponse<String> logout = http.send(HttpRequest.newBuilder(https.resolve("/demo/service/cc/arm/logout"))
                    .header("Content-Type", "application/xml").header("Cookie", "ccarm_session=" + token)
                    .POST(HttpRequest.BodyPublishers.ofString(Sessions.LOGOUT_XML)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, logout.statusCode(), logout.body());

            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(trusting(keystore));
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(tls);
            HttpClientTransport transport = new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector);
            WebSocketClient websockets = new WebSocketClient(new org.eclipse.jetty.client.HttpClient(transport));
            websockets.start();
            try (FrameClient frames = FrameClient.connect(websockets,
                    URI.create("wss://" + https.getAuthority() + "/demo/service/cc/arm/ws"), Map.of())) {
                frames.send(Sessions.frame("0001", "login", Sessions.json("login",
                        Map.of("operator_id", "1001", "password", "demo-1001"))));
                assertEquals(200, Sessions.status(frames.receive()));
            } finally {
                websockets.stop();
            }
        }
    }
}
