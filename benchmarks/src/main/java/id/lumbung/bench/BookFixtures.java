package id.lumbung.bench;

import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.WindowSink;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.reference.ReferenceDataGenerator;
import id.lumbung.reference.ReferenceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A payment book as the engine builds one (see settle/SettlementScaleRun), for the benchmarks that
 * drive {@link PaymentBook} directly on the benchmark thread instead of through the journal writer
 * (public for the benchmarks that live in an engine package for its package-private classes).
 */
public final class BookFixtures {
    /** Generated reference data: 10 cooperatives, 1,000 traders, one terminal each; seeded. */
    static final int COOPS = 10;
    static final int TRADERS = 1_000;
    static final int TERMINALS = 1_000;
    /** DESIGN.md: payments are retained for at least the 7-day upload window. */
    static final long RETENTION_MS = TimeUnit.DAYS.toMillis(7);

    private BookFixtures() {
    }

    static FeeSchedule fees() {
        return FeeSchedule.defaults();
    }

    /** Writes the generated reference data into {@code dir} and loads it. */
    public static ReferenceData reference(Path dir) throws IOException, ReferenceDataException {
        ReferenceDataGenerator.write(dir, COOPS, TRADERS, TERMINALS, 42);
        return ReferenceFiles.load(dir, fees().toConfig().keySet());
    }

    /** A book with no cap on retained payments. */
    public static PaymentBook book(ReferenceData ref, Journal journal, WindowSink windows) {
        return new PaymentBook(ref, Clock.systemUTC(), journal, windows, RETENTION_MS, Integer.MAX_VALUE);
    }

    public static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
