package org.ccarm.config;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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
 * Fixture paths are relative to the file's own location: a directory, or the
 * {@code config/} folder packed in the jar for the packed defaults.
 */
public final class ConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("config", "server.properties");
    /** The default configuration packed in the jar, used when there is no {@link #DEFAULT_FILE}. */
    public static final String PACKED_RESOURCE = "config/server.properties";

    private static final Set<String> FIXED_KEYS =
            Set.of("http.host", "http.port", "admin.token", "limits.max-body-bytes", "domains");

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
        List<String> domainNames = List.of(required(properties, "domains").split("\\s*,\\s*"));
        for (String key : properties.stringPropertyNames()) {
            boolean domainKey = domainNames.stream().anyMatch(d -> key.equals("domain." + d + ".fixture"));
            if (!FIXED_KEYS.contains(key) && !domainKey) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "'");
            }
        }
        List<ServerConfig.DomainConfig> domains = new ArrayList<>();
        for (String name : domainNames) {
            Optional<URL> fixture = Optional.ofNullable(properties.getProperty("domain." + name + ".fixture"))
                    .map(String::trim).filter(s -> !s.isEmpty()).map(path -> relative(base, path));
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

    private static URL relative(URL base, String path) {
        try {
            return new URL(base, path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("fixture '" + path + "' is not a path: " + e.getMessage());
        }
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
