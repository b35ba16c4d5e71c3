package id.lumbung.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reconcile}: recomputes every batch from the journal and compares with ledger and files. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Recompute every batch from the journal; compare with the ledger and the files. Exit 0 when all agree.")
public final class ReconcileCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Data folder")
    java.nio.file.Path data;
    @Option(names = "--reference", description = "Reference data folder. Default: bundled demo data")
    java.nio.file.Path reference;

    @Override
    public Integer call() throws Exception {
        return new Reconciler(data, reference).run(System.out);
    }
}
