package org.ccarm;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ccarm.config.OpsConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.Await;
import org.ccarm.testing.TestConfigs;
import org.junit.jupiter.api.Test;

/**
 * A start that fails late (here: the operations port is taken) closes what it had started:
 * the event hub's tail, the HTTP listener's threads, the password-hashing pool. Once only
 * the HTTP listener was closed, and every failed start in a retrying supervisor leaked
 * threads.
 */
class FailedStartTest {

    private static final List<String> SERVER_THREADS = List.of("event-tail", "event-catch-up", "password-hashing", "http-");

    private static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> SERVER_THREADS.stream().anyMatch(t.getName()::startsWith)).count();
    }

    @Test
    void aStartThatFailsLateLeavesNoThreadBehind() throws Exception {
        long before = serverThreads();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerConfig config = TestConfigs.config(Optional.empty(), "demo")
                    .withOps(new OpsConfig("127.0.0.1", taken.getLocalPort(), true, 0, OpsConfig.DEFAULT_MAX_CONNECTIONS));
            for (int i = 0; i < 3; i++) {
                assertThrows(Exception.class, () -> CcArmServer.start(config, new InMemoryConversationStore(),
                        Clock.systemUTC()), "the operations port is taken");
            }
        }
        Await.until(() -> serverThreads() <= before, Duration.ofSeconds(10),
                "the threads of the failed starts are gone (" + before + " before)");
    }
}
