package org.ccarm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String properties) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, properties);
        return file;
    }

    @Test
    void theDefaultFileServesDemoOnLoopbackWithItsFixture() throws Exception {
        ServerConfig config = ConfigLoader.load(ConfigLoader.DEFAULT_FILE, Map.of());
        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(8080, config.httpPort());
        assertEquals(Optional.empty(), config.adminToken());
        assertEquals(65536, config.maxBodyBytes());
        assertEquals("demo", config.domains().get(0).name());
        assertTrue(Files.isRegularFile(Path.of(config.domains().get(0).fixture().orElseThrow().toURI())));
    }

    @Test
    void thePackedDefaultsAreTheShippedFileAndReadTheirFixtureFromTheJar() throws Exception {
        ServerConfig packed = ConfigLoader.load(ConfigLoader.packed(), Map.of());
        assertEquals(ConfigLoader.load(ConfigLoader.DEFAULT_FILE, Map.of()).httpPort(), packed.httpPort());
        assertEquals("demo", packed.domains().get(0).name());
        try (var in = packed.domains().get(0).fixture().orElseThrow().openStream()) {
            assertTrue(new String(in.readAllBytes()).contains("0647e098a4b48b05"));
        }
    }

    @Test
    void environmentVariablesOverrideTheFile() throws Exception {
        Path file = write("http.host = 127.0.0.1\nhttp.port = 8080\nadmin.token = from-file-a-token-of-32-characters-or-more\ndomains = a, b\n");
        ServerConfig config = ConfigLoader.load(file, Map.of("CCARM_HTTP_HOST", "0.0.0.0", "CCARM_HTTP_PORT", "0",
                "CCARM_ADMIN_TOKEN", "from-env-a-token-of-32-characters-or-more"));
        assertEquals("0.0.0.0", config.httpHost());
        assertEquals(0, config.httpPort());
        assertEquals(Optional.of("from-env-a-token-of-32-characters-or-more"), config.adminToken());
        assertEquals(2, config.domains().size());
        assertEquals(Optional.of("from-file-a-token-of-32-characters-or-more"), ConfigLoader.load(file, Map.of()).adminToken());
    }

    @Test
    void fixturesAreResolvedBesideTheFile() throws Exception {
        Path file = write("domains = demo\ndomain.demo.fixture = fixtures/demo.json\n");
        assertEquals(dir.resolve("fixtures/demo.json").toAbsolutePath().toUri().toURL(),
                ConfigLoader.load(file, Map.of()).domains().get(0).fixture().orElseThrow());
    }

    @Test
    void mistakesAreRefusedWithTheKeyNamed() throws Exception {
        assertMessage("unknown configuration key 'http.prot'", write("domains = demo\nhttp.prot = 1\n"));
        assertMessage("'http.port' must be a whole number", write("domains = demo\nhttp.port = eighty\n"));
        assertMessage("'domains' is required", write("http.port = 1\n"));
        assertMessage("http port must be 0..65535", write("domains = demo\nhttp.port = 70000\n"));
        assertMessage("domain name 'a/b'", write("domains = a/b\n"));
        assertMessage("'admin.token' must have at least 32 characters", write("domains = demo\nadmin.token = secret\n"));
    }

    @Test
    void aBlankTokenTurnsTheFeedOff() throws Exception {
        assertEquals(Optional.empty(), ConfigLoader.load(write("domains = demo\nadmin.token =   \n"), Map.of()).adminToken());
    }

    private static void assertMessage(String expected, Path file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
