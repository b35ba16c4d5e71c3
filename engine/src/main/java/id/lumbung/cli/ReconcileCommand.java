package id.lumbung.cli;

import id.lumbung.config.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reconcile}: recomputes every batch from the journal and compares with ledger and files.
 * With {@code --config}, the settings that decide what settlement computes (fee plans) and where
 * it reads and writes (data and reference folders) come from the engine's own properties file,
 * read as {@code serve} reads it, flags on top.
 *
 * <p>Exit codes: 0 all agree, 1 differences found, 2 the config, the reference data or the flags
 * are unusable or the data folder holds no journal, 3 the journal is corrupt.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Recompute every batch from the journal; compare with the ledger and the files. Exit 0 when all agree.")
public final class ReconcileCommand implements Callable<Integer> {
    @Option(names = "--config", description = "The engine's properties file (as given to serve): its fee plans, data and reference folders. "
            + "Flags override it. Default: the default fee plans")
    Path configFile;
    @Option(names = "--data", description = "Data folder. Default: the config's data.dir; required without --config")
    String data;
    @Option(names = "--reference", description = "Reference data folder. Default: the config's reference.dir, else bundled demo data")
    String reference;

    @Override
    public Integer call() throws Exception {
        if (configFile == null && data == null) {
            System.err.println("lumbung: reconcile needs --data DIR, or --config FILE (whose data.dir, default ./data, is used)");
            return 2;
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put(EngineConfig.DATA_DIR_PROP_NAME, data);
        flags.put(EngineConfig.REFERENCE_DIR_PROP_NAME, reference);
        EngineSettings settings = EngineSettings.loadOrExplain(configFile, flags, System.err);
        if (settings == null) {
            return 2;
        }
        Path journal = settings.config().dataDir.resolve("journal");
        if (!Files.isDirectory(journal)) {
            // an empty recomputation would agree with an empty folder: a wrong path must not read as "all agree"
            System.err.println("lumbung: no journal folder " + journal.toAbsolutePath().normalize()
                    + "; is the data folder right (--data, or data.dir in the config)?");
            return 2;
        }
        return new Reconciler(settings).run(System.out);
    }
}
