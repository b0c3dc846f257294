package org.ccarm.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ccarm.config.AuditConfig;
import org.ccarm.config.AuthConfig;
import org.ccarm.config.Limits;
import org.ccarm.config.OpsConfig;
import org.ccarm.config.ServerConfig;
import org.ccarm.config.StoreConfig;
import org.ccarm.config.TlsConfig;

/** Configurations for tests and tools: loopback, any free port, no fixtures. */
public final class TestConfigs {

    private TestConfigs() {}

    public static ServerConfig config(Optional<String> adminToken, String... domains) {
        return config(Limits.DEFAULTS, adminToken, domains);
    }

    public static ServerConfig config(Limits limits, Optional<String> adminToken, String... domains) {
        return new ServerConfig("127.0.0.1", 0, adminToken, limits, AuditConfig.BATCHED, StoreConfig.MEMORY,
                new OpsConfig("127.0.0.1", 0, true, 0),
                Arrays.stream(domains).map(d -> new ServerConfig.DomainConfig(d, Optional.empty())).toList(),
                AuthConfig.OFF, TlsConfig.NONE);
    }

    /** The same configuration, each domain with the demo's operators (1001, 1002, 1003, supervisor 9001). */
    public static ServerConfig withDemoOperators(ServerConfig config) {
        java.net.URL operators = TestConfigs.class.getResource("/config/demo-operators.json");
        List<ServerConfig.DomainConfig> domains = config.domains().stream()
                .map(d -> new ServerConfig.DomainConfig(d.name(), d.fixture(), Optional.of(operators))).toList();
        return new ServerConfig(config.httpHost(), config.httpPort(), config.adminToken(), config.limits(),
                config.audit(), config.store(), config.ops(), domains, config.auth(), config.tls(), config.sip());
    }
}
