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
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ level=%4$s logger=%3$s %5$s%6$s%n");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
