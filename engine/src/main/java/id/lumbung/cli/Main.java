package id.lumbung.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    /**
     * One line per event on stdout, key=value: {@code 2026-11-29T10:15:30.123+0700 level=INFO
     * logger=... event=... }. Messages are written by the engine (never a request's content), so
     * they carry no secret; rejections are counted in metrics, not logged per request.
     */
    static void logToStdout() {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tL%1$tz level=%4$s logger=%3$s %5$s%6$s%n");
        java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        java.util.logging.StreamHandler stdout = new java.util.logging.StreamHandler(System.out,
                new java.util.logging.SimpleFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        root.addHandler(stdout);
        // Vert.x registers its HTTP server gauges once per server instance (one per event loop);
        // Micrometer warns at the second registration of the same gauge, which is expected here
        MICROMETER_REGISTRY_LOGGER.setLevel(java.util.logging.Level.SEVERE);
    }

    /** Held so that its level is not lost when the logger would otherwise be collected. */
    private static final java.util.logging.Logger MICROMETER_REGISTRY_LOGGER =
            java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
