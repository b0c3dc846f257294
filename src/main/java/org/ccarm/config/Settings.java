package org.ccarm.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The configuration's keys as read: from the environment first ({@code CCARM_} and the
 * key in upper case with {@code .} and {@code -} as {@code _}, e.g.
 * {@code store.timeout-ms} from {@code CCARM_STORE_TIMEOUT_MS}, or a short alias such as
 * {@code CCARM_STORE}), then the file, then the default. Remembers which keys it was
 * asked for, so that a key in the file nobody asks for is refused as a typo.
 */
final class Settings {

    private final Properties file;
    private final Map<String, String> env;
    private final Map<String, String> aliases; // key -> short environment variable
    private final Set<String> known = new HashSet<>();

    Settings(Properties file, Map<String, String> env, Map<String, String> aliases) {
        this.file = file;
        this.env = env;
        this.aliases = aliases;
    }

    static String envName(String key) {
        return "CCARM_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    String string(String key, String defaultValue) {
        known.add(key);
        String value = env.get(envName(key));
        if (value == null && aliases.containsKey(key)) {
            value = env.get(aliases.get(key));
        }
        if (value == null) {
            value = file.getProperty(key);
        }
        return value == null ? defaultValue : value.trim();
    }

    int integer(String key, int defaultValue) {
        return (int) number(key, defaultValue, Integer.MAX_VALUE);
    }

    long number(String key, long defaultValue) {
        return number(key, defaultValue, Long.MAX_VALUE);
    }

    private long number(String key, long defaultValue, long max) {
        String value = string(key, String.valueOf(defaultValue));
        try {
            long number = Long.parseLong(value);
            if (number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, not '" + value + "'");
        }
    }

    /** Refuses any key in the file that no one asked for (a typo would otherwise keep a default silently). */
    void refuseUnknownKeys(Set<String> alsoKnown) {
        for (String key : file.stringPropertyNames()) {
            if (!known.contains(key) && !alsoKnown.contains(key)) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "'");
            }
        }
    }
}
