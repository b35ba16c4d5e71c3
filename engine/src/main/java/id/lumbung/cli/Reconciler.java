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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

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
 * <p>Exit codes: 0 all agree, 1 differences found, 3 the journal is corrupt.
 */
final class Reconciler {
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
            // whatever the outcome: a corrupt journal or a failed recompute left it behind before;
            // a folder that cannot be deleted is reported, and the result stands
            try {
                deleteTree(scratch);
            } catch (IOException e) {
                out.println("note: could not delete the scratch folder " + scratch + ": " + e);
            }
        }
    }

    private int recomputeAndCompare(Path scratch, PrintStream out) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long entries;
        Settlement settlement = null;
        try (Journal journal = new Journal(data.resolve("journal"), Durability.ASYNC)) {
            // the reference comes from the journal, whatever the files say now: only a journal that
            // never had reference entries is read with the files (as its first start would journal them)
            ReferenceBaseline baseline = ReferenceBaseline.of(journal, ref, fees.toConfig());
            ReferenceData start = baseline.reference().effective(ref);
            Ledger ledger = new Ledger(start.coopCount(), start.traderCount());
            settlement = new Settlement(start, fees, scratch, ledger, new EngineMetrics(new SimpleMeterRegistry()),
                    (t, e) -> failure.compareAndSet(null, e));
            PaymentBook book = new PaymentBook(baseline.reference(), ref, Clock.systemUTC(), journal, settlement,
                    Long.MAX_VALUE, Integer.MAX_VALUE);
            Journal.ReplayResult result = journal.replay(book::replay, n -> { });
            entries = result.entries();
            out.println(journaledPlansLine(book.reference().feePlans(), baseline.mustJournal()));
            settlement.drained().get(10, TimeUnit.MINUTES);
            if (result.discardedTailIndex() >= 0) {
                out.println("note: torn tail entry at index 0x" + Long.toHexString(result.discardedTailIndex())
                        + " is not counted (it was never acknowledged)");
            }
        } catch (JournalCorruptException e) {
            out.println("JOURNAL CORRUPT: " + e.getMessage());
            return 3;
        } finally {
            if (settlement != null) {
                settlement.close();
            }
        }
        if (failure.get() != null) {
            out.println("RECOMPUTE FAILED: " + failure.get().getMessage());
            return 1;
        }
        List<String> differences = new ArrayList<>();
        compareTree(scratch.resolve("files"), data.resolve("files"), differences);
        compareTree(scratch.resolve("ledger"), data.resolve("ledger"), differences);
        out.println("reconcile: data=" + data.toAbsolutePath() + " journal entries=" + entries + " batches=" + countBatches(data.resolve("files"))
                + " differences=" + differences.size());
        differences.forEach(d -> out.println("DIFFERENCE " + d));
        return differences.isEmpty() ? 0 : 1;
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
    private String feePlansLine() {
        StringBuilder sb = new StringBuilder("fee plans from ").append(feePlansSource).append(':');
        fees.toConfig().forEach((name, spec) -> sb.append(' ').append(name).append('=').append(spec));
        return sb.toString();
    }

    private static void compareTree(Path expectedRoot, Path actualRoot, List<String> differences) throws IOException {
        TreeSet<Path> expected = relativeFiles(expectedRoot);
        TreeSet<Path> actual = relativeFiles(actualRoot);
        for (Path rel : expected) {
            Path a = actualRoot.resolve(rel);
            if (!actual.contains(rel)) {
                differences.add(actualRoot.getFileName() + "/" + rel + ": missing");
                continue;
            }
            byte[] want = Files.readAllBytes(expectedRoot.resolve(rel));
            byte[] got = Files.readAllBytes(a);
            if (!Arrays.equals(want, got)) {
                differences.add(actualRoot.getFileName() + "/" + rel + ": bytes differ from the recomputation"
                        + detail(rel, want, got));
            }
        }
        for (Path rel : actual) {
            if (!expected.contains(rel)) {
                differences.add(actualRoot.getFileName() + "/" + rel + ": not produced by the journal (unexpected file)");
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
                    String[] cells = wl.split(",");
                    String account = name.endsWith(".postings.csv") && cells.length > 1 ? cells[0] + " " + cells[1] : cells[0];
                    sb.append("; line ").append(i + 1).append(" (").append(account).append(") expected '").append(wl)
                            .append("' found '").append(gl).append('\'');
                }
            }
        }
        return sb.toString();
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

    private static long countBatches(Path files) throws IOException {
        return relativeFiles(files).stream().filter(p -> p.toString().endsWith(".csv")
                && !p.toString().endsWith(".payouts.csv")).count();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
