package org.ccarm;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ccarm.config.ConfigLoader;
import org.ccarm.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar cc-arm-server.jar [--config FILE]}: loads the configuration
 * (default {@code config/server.properties}, environment variables on top), starts
 * the server, logs the URL it listens on, and stops gracefully on SIGTERM.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        Path configFile;
        try {
            configFile = configFile(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: java -jar cc-arm-server.jar [--config FILE]");
            System.exit(2);
            return;
        }
        useLogConfigBeside(configFile); // before the first logger is made
        Logger log = LoggerFactory.getLogger(Main.class);
        ServerConfig config;
        try {
            config = ConfigLoader.load(configFile, System.getenv());
        } catch (Exception e) {
            log.error("cannot read the configuration {}: {}", configFile, e.getMessage());
            System.exit(2);
            return;
        }
        try {
            CcArmServer server = CcArmServer.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, log), "shutdown"));
            log.info("cc-arm-server listening on {} (domains: {})", server.uri(),
                    config.domains().stream().map(ServerConfig.DomainConfig::name).toList());
            server.join();
        } catch (Exception e) {
            log.error("cc-arm-server failed to start: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /** The configuration file the arguments name: {@code --config FILE}, or the default. */
    static Path configFile(String[] args) {
        if (args.length == 0) {
            return ConfigLoader.DEFAULT_FILE;
        }
        if (args.length == 2 && args[0].equals("--config")) {
            return Path.of(args[1]);
        }
        throw new IllegalArgumentException("unknown arguments: " + String.join(" ", args));
    }

    /** The log configuration lives next to the server's: {@code config/logback.xml}. */
    private static void useLogConfigBeside(Path configFile) {
        Path logConfig = configFile.toAbsolutePath().resolveSibling("logback.xml");
        if (System.getProperty("logback.configurationFile") == null && Files.isRegularFile(logConfig)) {
            System.setProperty("logback.configurationFile", logConfig.toString());
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
