package id.lumbung.bench.load;

import id.lumbung.reference.ReferenceDataGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Writes a reference data set for load runs (terminal keys follow {@code DemoCredentials}). */
@Command(name = "write-reference", mixinStandardHelpOptions = true, description = "Write coops.csv, traders.csv, terminals.csv for a load run.")
public final class ReferenceWriter implements Callable<Integer> {
    @Option(names = "--dir", required = true)
    Path dir;
    @Option(names = "--coops", description = "Default ${DEFAULT-VALUE}")
    int coops = 10;
    @Option(names = "--traders", description = "Default ${DEFAULT-VALUE}")
    int traders = 1000;
    @Option(names = "--terminals", description = "Default ${DEFAULT-VALUE}")
    int terminals = 1000;
    @Option(names = "--seed", description = "Default ${DEFAULT-VALUE}")
    long seed = 42;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReferenceWriter()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ReferenceDataGenerator.write(dir, coops, traders, terminals, seed);
        System.out.println("reference data: " + coops + " coops, " + traders + " traders, " + terminals + " terminals in " + dir);
        return 0;
    }
}
