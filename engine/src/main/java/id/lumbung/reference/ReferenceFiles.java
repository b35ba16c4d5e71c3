package id.lumbung.reference;

import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * The three reference files ({@value #COOPS_FILE}, {@value #TRADERS_FILE}, {@value #TERMINALS_FILE})
 * and where they are read from: a folder, or the demo data set bundled in the engine jar. A load
 * either succeeds completely or throws {@link ReferenceDataException} naming the file, the line
 * (1-based, the header is line 1) and what is wrong.
 */
public final class ReferenceFiles {
    public static final String COOPS_FILE = "coops.csv";
    public static final String TRADERS_FILE = "traders.csv";
    public static final String TERMINALS_FILE = "terminals.csv";
    /** Classpath folder of the demo data set that ships with the engine. */
    public static final String BUNDLED_DEMO_FOLDER = "/demo/";

    private ReferenceFiles() {
    }

    /**
     * Loads {@value #COOPS_FILE}, {@value #TRADERS_FILE} and {@value #TERMINALS_FILE} from {@code dir}.
     *
     * @param knownFeePlans the fee plans configured; a trader naming any other stops the load
     */
    public static ReferenceData load(Path dir, Set<String> knownFeePlans) throws ReferenceDataException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(knownFeePlans, "knownFeePlans");
        return new ReferenceDataReader(ReferenceSource.directory(dir), knownFeePlans).read();
    }

    /** Loads the demo data set that ships in the engine jar under {@value #BUNDLED_DEMO_FOLDER}. */
    public static ReferenceData loadBundledDemo(Set<String> knownFeePlans) throws ReferenceDataException {
        Objects.requireNonNull(knownFeePlans, "knownFeePlans");
        return new ReferenceDataReader(ReferenceSource.classpath(ReferenceFiles.class, BUNDLED_DEMO_FOLDER),
                knownFeePlans).read();
    }

    /**
     * The folder's {@value ObligationsCsv#FILE}, or the bundled demo's where no folder is
     * configured; no rows when the file does not exist.
     *
     * @param coopOfTrader the cooperative of a trader id in the reference data, or null for an unknown trader
     */
    public static java.util.List<ObligationsCsv.Row> obligationsOrBundledDemo(Path dirOrNull,
            java.util.function.Function<String, String> coopOfTrader) throws ReferenceDataException {
        return dirOrNull == null
                ? ObligationsCsv.read(ReferenceSource.classpath(ReferenceFiles.class, BUNDLED_DEMO_FOLDER), coopOfTrader)
                : ObligationsCsv.read(dirOrNull, coopOfTrader);
    }

    /**
     * The folder's reference data, or the bundled demo data where no folder is configured: what
     * {@code serve}, {@code reconcile} and a reload read.
     */
    public static ReferenceData loadOrBundledDemo(Path dirOrNull, Set<String> knownFeePlans) throws ReferenceDataException {
        return dirOrNull == null ? loadBundledDemo(knownFeePlans) : load(dirOrNull, knownFeePlans);
    }
}
