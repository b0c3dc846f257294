package org.ccarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.ccarm.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void withoutArgumentsTheWorkingDirectorysConfigurationIsReadWhenThereIsOne() throws Exception {
        assertEquals(ConfigLoader.DEFAULT_FILE.toAbsolutePath().toUri().toURL(), Main.configLocation(new String[0], true));
    }

    @Test
    void withoutArgumentsOrAConfigurationInTheWorkingDirectoryThePackedDefaultsAreRead() {
        assertEquals(ConfigLoader.packed(), Main.configLocation(new String[0], false));
        assertTrue(ConfigLoader.packed().toString().endsWith("config/server.properties"), ConfigLoader.packed().toString());
    }

    @Test
    void configPicksAnotherFile() throws Exception {
        assertEquals(Path.of("/etc/ccarm/server.properties").toUri().toURL(),
                Main.configLocation(new String[] {"--config", "/etc/ccarm/server.properties"}, true));
    }

    @Test
    void anythingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.configLocation(new String[] {"--config"}, true));
        assertThrows(IllegalArgumentException.class, () -> Main.configLocation(new String[] {"--port", "9"}, true));
    }
}
