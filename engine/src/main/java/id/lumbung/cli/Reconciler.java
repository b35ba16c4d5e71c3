package id.lumbung.cli;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.ledger.Ledger;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.ReferenceBaseline;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.files.SettlementCsv;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.settlement.Settlement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Recomputes every batch from the journal into a scratch folder, with the engine's own settlement
 * code, then compares the scratch files and ledger postings with those in the data folder, naming
 * each difference: a missing or extra file, differing bytes, a CSV whose control totals disagree
 * with its lines, a ledger account whose figure differs. Run it on a stopped engine's data folder
 * or on a copy.
 *
 * <p>The report opens with the fee plans it recomputed with and where they came from (the
 * defaults or the engine's config file): fees recomputed with other plans than the engine settled
 * with differ on every line of a trader on those plans.
 *
 * <p>One journal folder recomputed into one scratch tree is {@link #recompute}, and comparing such a
 * tree with a data folder is {@link #compare}: {@link KafkaReconciler} calls both once per partition
 * of the Kafka journal.
 *
 * <p>Exit codes: 0 all agree, 1 differences found, 3 the journal is corrupt.
 */
final class Reconciler {
    /** {@link #recompute}'s {@code idPartition} for the Chronicle journal of a single engine. */
    static final int SINGLE_JOURNAL = -1;

    private final Path data;
    private final ReferenceData ref;
    private final FeeSchedule fees;
    private final String feePlansSource;

    Reconciler(EngineSettings settings) {
        this.data = settings.config().dataDir;
        this.ref = settings.reference();
        this.fees = settings.fees();
        this.feePlansSource = settings.feePlansSource();
    }

    int run(PrintStream out) throws Exception {
        out.println(feePlansLine());
        Path scratch = Files.createTempDirectory("lumbung-reconcile");
        try {
            return recomputeAndCompare(scratch, out);
        } finally {
            deleteScratch(scratch, out);
        }
    }

    private int recomputeAndCompare(Path scratch, PrintStream out) throws Exception {
        Recomputation recomputed = recompute(data.resolve("journal"), scratch, SINGLE_JOURNAL, "", out);
        if (!recomputed.done()) {
            return recomputed.refusedExit();
        }
        List<String> differences = compare(scratch, data, "");
        out.println("reconcile: data=" + data.toAbsolutePath() + " journal entries=" + recomputed.entries() + " batches="
                + countBatches(data.resolve("files")) + " differences=" + differences.size());
        differences.forEach(d -> out.println("DIFFERENCE " + d));
        return differences.isEmpty() ? 0 : 1;
    }

    /**
     * What {@link #recompute} came to: the entries it replayed, or the exit code of a journal it
     * could not recompute (3 corrupt, 1 the recomputation failed), whose reason it printed.
     */
    record Recomputation(long entries, int refusedExit) {
        boolean done() {
            return refusedExit == 0;
        }
    }

    /**
     * Recomputes every batch of one journal into {@code scratch}, laid out as a data folder's
     * ({@code files/<coopId>/}, {@code ledger/}), with the engine's own settlement code and the
     * reference and fee plans journaled with it. Prints the journaled plans, and a torn tail or why
     * nothing was recomputed (JOURNAL CORRUPT, RECOMPUTE FAILED), each line opening with
     * {@code linePrefix}.
     *
     * @param journalDir a Chronicle journal: an engine's, or a copy of a Kafka partition's ({@code PartitionMirror})
     * @param idPartition the partition the journal is, as its payment ids name it; {@link #SINGLE_JOURNAL} for an engine's
     */
    Recomputation recompute(Path journalDir, Path scratch, int idPartition, String linePrefix, PrintStream out)
            throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long entries;
        Settlement settlement = null;
        try (Journal journal = new Journal(journalDir, Durability.ASYNC)) {
            // the reference comes from the journal, whatever the files say now: only a journal that
            // never had reference entries is read with the files (as its first start would journal them)
            ReferenceBaseline baseline = ReferenceBaseline.of(journal, ref, fees.toConfig());
            ReferenceData start = baseline.reference().effective(ref);
            Ledger ledger = new Ledger(start.coopCount(), start.traderCount());
            settlement = new Settlement(start, fees, scratch, ledger, new EngineMetrics(new SimpleMeterRegistry()),
                    (t, e) -> failure.compareAndSet(null, e));
            PaymentBook book = new PaymentBook(baseline.reference(), ref, Clock.systemUTC(), journal, settlement,
                    Long.MAX_VALUE, Integer.MAX_VALUE, idPartition);
            Journal.ReplayResult result = journal.replay(book::replay, n -> { });
            entries = result.entries();
            out.println(linePrefix + journaledPlansLine(book.reference().feePlans(), baseline.mustJournal()));
            settlement.drained().get(10, TimeUnit.MINUTES);
            if (result.discardedTailIndex() >= 0) {
                out.println(linePrefix + "note: torn tail entry at index 0x" + Long.toHexString(result.discardedTailIndex())
                        + " is not counted (it was never acknowledged)");
            }
        } catch (JournalCorruptException e) {
            out.println(linePrefix + "JOURNAL CORRUPT: " + e.getMessage());
            return new Recomputation(-1, 3);
        } finally {
            if (settlement != null) {
                settlement.close();
            }
        }
        if (failure.get() != null) {
            out.println(linePrefix + "RECOMPUTE FAILED: " + failure.get().getMessage());
            return new Recomputation(-1, 1);
        }
        return new Recomputation(entries, 0);
    }

    /**
     * Compares a recomputation ({@link #recompute}'s {@code scratch}) with a data folder's
     * {@code files/} and {@code ledger/}, naming each difference by its path in the data folder
     * after {@code label} ({@code ""} for an engine's data folder, {@code partitions/p3/} for a
     * node's partition).
     */
    static List<String> compare(Path recomputed, Path dataRoot, String label) throws IOException {
        List<String> differences = new ArrayList<>();
        compareTree(recomputed.resolve("files"), dataRoot.resolve("files"), label + "files", differences);
        compareTree(recomputed.resolve("ledger"), dataRoot.resolve("ledger"), label + "ledger", differences);
        return differences;
    }

    /** Deletes a scratch folder whatever the outcome; one that cannot be deleted is reported, and the result stands. */
    static void deleteScratch(Path scratch, PrintStream out) {
        try {
            id.lumbung.files.AtomicFiles.deleteTree(scratch);
        } catch (IOException e) {
            out.println("note: could not delete the scratch folder " + scratch + ": " + e);
        }
    }

    /**
     * {@code fee plans journaled (they price every batch): GOV=... REG=...}: the plans the journal
     * holds decide the fees, whatever the config says now; a journal without reference entries
     * (never started by an engine that journals them) is recomputed with the config's.
     */
    private static String journaledPlansLine(java.util.Map<String, String> journaled, boolean notJournaled) {
        if (notJournaled) {
            return "fee plans journaled: none (a journal from before reference entries: recomputed with the plans above)";
        }
        StringBuilder sb = new StringBuilder("fee plans journaled (they price every batch):");
        new java.util.TreeMap<>(journaled).forEach((name, spec) -> sb.append(' ').append(name).append('=').append(spec));
        return sb.toString();
    }

    /** {@code fee plans from <source>: GOV=*:0% REG=*:0.7% UMI=500000:0%,*:0.3%}, plans sorted by name. */
    String feePlansLine() {
        StringBuilder sb = new StringBuilder("fee plans from ").append(feePlansSource).append(':');
        fees.toConfig().forEach((name, spec) -> sb.append(' ').append(name).append('=').append(spec));
        return sb.toString();
    }

    private static void compareTree(Path expectedRoot, Path actualRoot, String label, List<String> differences)
            throws IOException {
        TreeSet<Path> expected = relativeFiles(expectedRoot);
        TreeSet<Path> actual = relativeFiles(actualRoot);
        for (Path rel : expected) {
            Path a = actualRoot.resolve(rel);
            if (!actual.contains(rel)) {
                differences.add(label + "/" + rel + ": missing");
                continue;
            }
            byte[] want = Files.readAllBytes(expectedRoot.resolve(rel));
            byte[] got = Files.readAllBytes(a);
            if (!Arrays.equals(want, got)) {
                differences.add(label + "/" + rel + ": bytes differ from the recomputation"
                        + detail(rel, want, got));
            }
        }
        for (Path rel : actual) {
            if (!expected.contains(rel)) {
                differences.add(label + "/" + rel + ": not produced by the journal (unexpected file)");
            }
        }
    }

    /** Names what differs inside a CSV (settlement file or ledger postings): lines and control totals. */
    private static String detail(Path rel, byte[] want, byte[] got) {
        String name = rel.getFileName().toString();
        StringBuilder sb = new StringBuilder();
        if (name.endsWith(".csv") && !name.endsWith(".postings.csv") && !name.endsWith(".payouts.csv")) {
            try {
                SettlementCsv.parse(got);
            } catch (IllegalArgumentException e) {
                sb.append("; control totals: ").append(e.getMessage());
            }
        }
        if (name.endsWith(".csv")) {
            String[] w = new String(want, StandardCharsets.UTF_8).split("\n");
            String[] g = new String(got, StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < Math.max(w.length, g.length); i++) {
                String wl = i < w.length ? w[i] : "(none)";
                String gl = i < g.length ? g[i] : "(none)";
                if (!wl.equals(gl)) {
                    String[] cells = cells(wl);
                    String account = name.endsWith(".postings.csv") && cells.length > 1 ? cells[0] + " " + cells[1] : cells[0];
                    sb.append("; line ").append(i + 1).append(" (").append(account).append(") expected '").append(wl)
                            .append("' found '").append(gl).append('\'');
                }
            }
        }
        return sb.toString();
    }

    /**
     * The cells of one line of an expected file, read as settlement writes them
     * ({@link SettlementCsv#FORMAT}, commons-csv); an empty line is one empty cell.
     */
    private static String[] cells(String line) {
        try (CSVParser parser = CSVParser.parse(line, SettlementCsv.FORMAT)) {
            List<CSVRecord> records = parser.getRecords();
            return records.isEmpty() ? new String[] {""} : records.get(0).values();
        } catch (IOException | UncheckedIOException e) {
            return new String[] {line}; // not a line settlement writes: named whole
        }
    }

    private static TreeSet<Path> relativeFiles(Path root) throws IOException {
        TreeSet<Path> out = new TreeSet<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .forEach(p -> out.add(root.relativize(p)));
        }
        return out;
    }

    static long countBatches(Path files) throws IOException {
        return relativeFiles(files).stream().filter(p -> p.toString().endsWith(".csv")
                && !p.toString().endsWith(".payouts.csv")).count();
    }

}
