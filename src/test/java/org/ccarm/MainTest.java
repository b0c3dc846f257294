package org.ccarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.ccarm.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void withoutArgumentsTheDefaultConfigurationIsRead() {
        assertEquals(ConfigLoader.DEFAULT_FILE, Main.configFile(new String[0]));
        assertEquals(Path.of("config", "server.properties"), ConfigLoader.DEFAULT_FILE);
    }

    @Test
    void configPicksAnotherFile() {
        assertEquals(Path.of("/etc/ccarm/server.properties"),
                Main.configFile(new String[] {"--config", "/etc/ccarm/server.properties"}));
    }

    @Test
    void anythingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.configFile(new String[] {"--config"}));
        assertThrows(IllegalArgumentException.class, () -> Main.configFile(new String[] {"--port", "9"}));
    }
}
