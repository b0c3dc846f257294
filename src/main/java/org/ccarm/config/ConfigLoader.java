package org.ccarm.config;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.ccarm.events.EventLog;

/**
 * Reads a {@link ServerConfig} from a properties file, then lets the environment
 * override any key ({@link Settings}). Unknown keys are refused, so a typo cannot
 * silently leave a default in place. Fixture paths are relative to the file's own
 * location: a directory, or the {@code config/} folder packed in the jar for the
 * packed defaults.
 */
public final class ConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("config", "server.properties");
    /** The default configuration packed in the jar, used when there is no {@link #DEFAULT_FILE}. */
    public static final String PACKED_RESOURCE = "config/server.properties";

    /** Short environment variables kept for the common keys, besides {@code CCARM_<KEY>}. */
    private static final Map<String, String> ALIASES = Map.of("store.kind", "CCARM_STORE", "store.redis.url", "CCARM_REDIS_URL",
            "auth.mode", "CCARM_AUTH");

    private ConfigLoader() {}

    public static ServerConfig load(Path file, Map<String, String> env) throws IOException {
        return load(file.toAbsolutePath().toUri().toURL(), env);
    }

    /** The configuration packed in the jar (the shipped defaults). */
    public static URL packed() {
        URL url = ConfigLoader.class.getClassLoader().getResource(PACKED_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(PACKED_RESOURCE + " is not packed in the jar");
        }
        return url;
    }

    /** Reads the configuration at {@code location}: a file, or a resource in the jar. */
    public static ServerConfig load(URL location, Map<String, String> env) throws IOException {
        Properties properties = new Properties();
        try (Reader in = new InputStreamReader(location.openStream(), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        try {
            return fromProperties(properties, location, env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(location + ": " + e.getMessage(), e);
        }
    }

    static ServerConfig fromProperties(Properties properties, URL base, Map<String, String> env) {
        Settings settings = new Settings(properties, env, ALIASES);
        String domainList = settings.string("domains", "");
        if (domainList.isBlank()) {
            throw new IllegalArgumentException("'domains' is required");
        }
        List<ServerConfig.DomainConfig> domains = new ArrayList<>();
        Set<String> domainKeys = new HashSet<>();
        for (String name : domainList.split("\\s*,\\s*")) {
            String key = "domain." + name + ".fixture";
            String operatorsKey = "domain." + name + ".operators";
            domainKeys.add(key);
            domainKeys.add(operatorsKey);
            domains.add(new ServerConfig.DomainConfig(name, path(properties, key, base), path(properties, operatorsKey, base)));
        }
        Limits d = Limits.DEFAULTS;
        Limits limits = new Limits(
                settings.integer("limits.max-body-bytes", d.maxBodyBytes()),
                settings.integer("limits.max-connections", d.maxConnections()),
                settings.integer("limits.max-connections-per-address", d.maxConnectionsPerAddress()),
                settings.number("limits.header-timeout-ms", d.headerTimeoutMillis()),
                settings.number("limits.body-timeout-ms", d.bodyTimeoutMillis()),
                settings.integer("limits.min-body-bytes-per-second", d.minBodyBytesPerSecond()),
                settings.integer("limits.max-header-bytes", d.maxHeaderBytes()),
                settings.number("limits.websocket-idle-timeout-ms", d.websocketIdleMillis()),
                settings.integer("limits.event-queue", d.eventQueue()),
                settings.integer("http.accept-queue-size", d.acceptQueueSize()));
        ServerConfig config = new ServerConfig(
                settings.string("http.host", "127.0.0.1"),
                settings.integer("http.port", 8080),
                Optional.of(settings.string("admin.token", "")),
                limits,
                new AuditConfig(
                        settings.string("audit.durability", AuditConfig.BATCHED.durability()),
                        settings.string("audit.file", AuditConfig.BATCHED.file()),
                        settings.string("audit.max-file-size", AuditConfig.BATCHED.maxFileSize()),
                        settings.integer("audit.max-history", AuditConfig.BATCHED.maxHistory()),
                        settings.integer("audit.max-age-days", AuditConfig.BATCHED.maxAgeDays())),
                new StoreConfig(
                        settings.string("store.kind", StoreConfig.MEMORY.kind()),
                        settings.string("store.redis.url", StoreConfig.MEMORY.redisUrl()),
                        settings.number("store.timeout-ms", StoreConfig.MEMORY.timeoutMillis()),
                        settings.string("store.redis.prefix", StoreConfig.MEMORY.prefix()),
                        settings.integer("store.redis.wait-replicas", StoreConfig.MEMORY.waitReplicas()),
                        settings.integer("store.events-retained", EventLog.DEFAULT_RETAINED)),
                new OpsConfig(
                        settings.string("ops.host", OpsConfig.DEFAULTS.host()),
                        settings.integer("ops.port", OpsConfig.DEFAULTS.port()),
                        bool(settings.string("metrics.enabled", "true")),
                        settings.number("shutdown.drain-ms", OpsConfig.DEFAULTS.shutdownDrainMillis()),
                        settings.integer("ops.max-connections", OpsConfig.DEFAULTS.maxConnections())),
                domains,
                auth(settings),
                tls(settings, base),
                sip(settings));
        settings.refuseUnknownKeys(domainKeys);
        return config;
    }

    private static SipConfig sip(Settings settings) {
        SipConfig d = SipConfig.DEFAULTS;
        String defaultDomain = settings.string("sip.default-domain", "");
        return new SipConfig(
                bool(settings.string("sip.enabled", "true")),
                settings.string("sip.host", d.host()),
                settings.integer("sip.port", d.port()),
                List.of(settings.string("sip.trusted-networks", String.join(", ", d.trustedNetworks())).split("\\s*,\\s*")),
                defaultDomain.isEmpty() ? Optional.empty() : Optional.of(defaultDomain),
                settings.integer("sip.max-expires", d.maxExpires()),
                settings.string("sip.hold-direction", d.holdDirection()),
                settings.number("sip.reinvite-timeout-ms", d.reinviteTimeoutMillis()),
                settings.number("sip.ring-timeout-ms", d.ringTimeoutMillis()),
                settings.integer("sip.max-calls", d.maxCalls()),
                Optional.of(settings.string("sip.instance-id", "")).filter(id -> !id.isBlank()),
                settings.number("sip.handover-timeout-ms", d.handoverTimeoutMillis()),
                settings.number("sip.owner-ttl-ms", d.ownerTtlMillis()),
                settings.number("sip.drain-ms", d.drainMillis()));
    }

    private static AuthConfig auth(Settings settings) {
        AuthConfig d = AuthConfig.REQUIRED;
        String mode = settings.string("auth.mode", "required");
        if (!mode.equals("required") && !mode.equals("off")) {
            throw new IllegalArgumentException("'auth.mode' must be required or off, not '" + mode + "'");
        }
        return new AuthConfig(mode.equals("required"),
                settings.number("auth.session-idle-ms", d.idleMillis()),
                settings.number("auth.session-lifetime-ms", d.lifetimeMillis()),
                settings.integer("auth.max-failures-per-operator", d.maxFailuresPerOperator()),
                settings.integer("auth.max-failures-per-address", d.maxFailuresPerAddress()),
                settings.number("auth.failure-window-ms", d.failureWindowMillis()),
                list(settings.string("http.allowed-origins", "")),
                list(settings.string("http.trusted-proxies", "")));
    }

    private static TlsConfig tls(Settings settings, URL base) {
        String port = settings.string("https.port", "");
        String keystore = settings.string("https.keystore", "");
        String password = settings.string("https.keystore-password", null);
        if (port.isEmpty()) {
            return TlsConfig.NONE;
        }
        Path keystorePath = null;
        if (!keystore.isEmpty()) {
            try {
                keystorePath = Path.of(relative(base, keystore).toURI());
            } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                throw new IllegalArgumentException("'https.keystore' must be a file: " + keystore);
            }
        }
        try {
            return new TlsConfig(Optional.of(Integer.parseInt(port)), keystorePath, password);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'https.port' must be a whole number, not '" + port + "'");
        }
    }

    private static List<String> list(String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s*,\\s*"));
    }

    private static Optional<URL> path(Properties properties, String key, URL base) {
        return Optional.ofNullable(properties.getProperty(key))
                .map(String::trim).filter(s -> !s.isEmpty()).map(path -> relative(base, path));
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'metrics.enabled' must be true or false, not '" + value + "'");
        };
    }

    private static URL relative(URL base, String path) {
        try {
            return new URL(base, path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("fixture '" + path + "' is not a path: " + e.getMessage());
        }
    }
}
