package org.ccarm;

import ch.qos.logback.classic.LoggerContext;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.ccarm.config.ConfigLoader;
import org.ccarm.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cc-arm-server.jar [--config FILE]}: loads the configuration (the
 * named file; else {@code config/server.properties} in the working directory when there
 * is one; else the defaults packed in the jar), environment variables on top, starts
 * the server, logs the URL it listens on, and stops gracefully on SIGTERM.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        URL config;
        try {
            config = configLocation(args, Files.isRegularFile(ConfigLoader.DEFAULT_FILE));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: java -jar cc-arm-server.jar [--config FILE]");
            System.exit(2);
            return;
        }
        useLogConfigBeside(config); // before the first logger is made
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("configuration: {}", config);
        ServerConfig settings;
        try {
            settings = ConfigLoader.load(config, System.getenv());
        } catch (Exception e) {
            log.error("cannot read the configuration {}: {}", config, e.getMessage());
            System.exit(2);
            return;
        }
        try {
            CcArmServer server = CcArmServer.start(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, log), "shutdown"));
            log.info("cc-arm-server listening on {} (domains: {})", server.uri(),
                    settings.domains().stream().map(ServerConfig.DomainConfig::name).toList());
            server.secureUri().ifPresent(https -> log.info("https (and wss) listening on {}", https));
            settings.domains().forEach(domain -> log.info("workstation: open {}{}/workstation/ in a browser",
                    server.uri(), domain.name()));
            server.join();
        } catch (Exception e) {
            log.error("cc-arm-server failed to start: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /**
     * The configuration the arguments name: {@code --config FILE}; without arguments
     * {@code config/server.properties} when the working directory has one, else the
     * defaults packed in the jar, so the jar runs from any directory.
     */
    static URL configLocation(String[] args, boolean defaultFileExists) {
        try {
            if (args.length == 0) {
                return defaultFileExists ? ConfigLoader.DEFAULT_FILE.toAbsolutePath().toUri().toURL() : ConfigLoader.packed();
            }
            if (args.length == 2 && args[0].equals("--config")) {
                return Path.of(args[1]).toAbsolutePath().toUri().toURL();
            }
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("not a file path: " + e.getMessage());
        }
        throw new IllegalArgumentException("unknown arguments: " + String.join(" ", args));
    }

    /**
     * The log configuration lives next to the server's: {@code logback.xml} beside it, on
     * disk or in the jar; without one there, the one packed in the jar.
     */
    private static void useLogConfigBeside(URL config) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        // none beside it: the packed one, never Logback's default (DEBUG, which logs every header, tokens included)
        URL chosen = logConfigBeside(config).or(() -> logConfigBeside(ConfigLoader.packed())).orElse(null);
        if (chosen != null) {
            System.setProperty("logback.configurationFile", chosen.toString());
        }
    }

    private static Optional<URL> logConfigBeside(URL config) {
        try {
            URL logConfig = new URL(config, "logback.xml");
            if (logConfig.getProtocol().equals("file")) {
                return Files.isRegularFile(Path.of(logConfig.toURI())) ? Optional.of(logConfig) : Optional.empty();
            }
            logConfig.openStream().close(); // inside the jar: there when it opens
            return Optional.of(logConfig);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Stops the server (letting requests in flight finish), then flushes the logs. */
    private static void stop(CcArmServer server, Logger log) {
        try {
            log.info("stopping: finishing requests in flight");
            server.close();
            log.info("stopped");
        } catch (Exception e) {
            log.error("error while stopping", e);
        } finally {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                context.stop();
            }
        }
    }
}
