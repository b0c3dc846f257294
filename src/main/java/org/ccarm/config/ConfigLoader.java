package org.ccarm.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Reads a {@link ServerConfig} from a properties file, then lets the environment
 * override it: {@code CCARM_HTTP_HOST}, {@code CCARM_HTTP_PORT}, {@code CCARM_ADMIN_TOKEN}.
 * Unknown keys are refused, so a typo cannot silently leave a default in place.
 * Fixture paths are relative to the file's own directory.
 */
public final class ConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("config", "server.properties");

    private static final Set<String> FIXED_KEYS =
            Set.of("http.host", "http.port", "admin.token", "limits.max-body-bytes", "domains");

    private ConfigLoader() {}

    public static ServerConfig load(Path file, Map<String, String> env) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return fromProperties(properties, base, env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static ServerConfig fromProperties(Properties properties, Path base, Map<String, String> env) {
        List<String> domainNames = List.of(required(properties, "domains").split("\\s*,\\s*"));
        for (String key : properties.stringPropertyNames()) {
            boolean domainKey = domainNames.stream().anyMatch(d -> key.equals("domain." + d + ".fixture"));
            if (!FIXED_KEYS.contains(key) && !domainKey) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "'");
            }
        }
        List<ServerConfig.DomainConfig> domains = new ArrayList<>();
        for (String name : domainNames) {
            Optional<Path> fixture = Optional.ofNullable(properties.getProperty("domain." + name + ".fixture"))
                    .map(String::trim).filter(s -> !s.isEmpty()).map(base::resolve);
            domains.add(new ServerConfig.DomainConfig(name, fixture));
        }
        String host = env.getOrDefault("CCARM_HTTP_HOST", properties.getProperty("http.host", "127.0.0.1")).trim();
        int port = integer("http.port", env.getOrDefault("CCARM_HTTP_PORT", properties.getProperty("http.port", "8080")));
        Optional<String> token = Optional.ofNullable(env.getOrDefault("CCARM_ADMIN_TOKEN", properties.getProperty("admin.token")))
                .map(String::trim);
        int maxBody = integer("limits.max-body-bytes",
                properties.getProperty("limits.max-body-bytes", String.valueOf(ServerConfig.DEFAULT_MAX_BODY_BYTES)));
        return new ServerConfig(host, port, token, maxBody, domains);
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is required");
        }
        return value.trim();
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, not '" + value + "'");
        }
    }
}
