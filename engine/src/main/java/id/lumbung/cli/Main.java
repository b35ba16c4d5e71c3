package id.lumbung.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.logging.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code java -jar lumbung.jar <command>}: serve, reconcile. */
@Command(name = "lumbung", mixinStandardHelpOptions = true, version = "lumbung 0.1.0",
        description = "Payment and settlement engine for market cooperatives.",
        subcommands = {ServeCommand.class, ReconcileCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // the engine must never phone home; chronicle-analytics is also excluded from the build
        System.setProperty("chronicle.analytics.disable", "true");
        logToStdout();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** The logging configuration read at start (a resource next to this class). */
    static final String LOGGING_PROPERTIES = "logging.properties";

    /**
     * Every log line, the engine's and the libraries', to stdout in one format (one line per event,
     * key=value, {@link LogLineFormatter}): {@link #LOGGING_PROPERTIES} is read into the JVM's
     * java.util.logging, unless the JVM was started with its own
     * {@code -Djava.util.logging.config.file} or {@code .class}, which wins. Messages are written
     * by the engine (never a request's content), so they carry no secret; rejections are counted
     * in metrics, not logged per request.
     */
    static void logToStdout() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (InputStream config = Main.class.getResourceAsStream(LOGGING_PROPERTIES)) {
            if (config == null) {
                throw new IllegalStateException(LOGGING_PROPERTIES + " missing from the jar");
            }
            LogManager.getLogManager().readConfiguration(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
