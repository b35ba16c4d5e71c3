package id.lumbung.bench;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.payment.PaymentBook;
import id.lumbung.core.payment.PostOutcome;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.Terminal;
import id.lumbung.journal.Journal;
import java.io.IOException;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The journal writer's whole per-payment step, {@link PaymentBook#post}: idempotency lookup, time
 * window, entry encode, ASYNC journal append, column and key-table insert, outcome and
 * view. Called on the benchmark thread as the writer thread would (the book is single-threaded).
 *
 * <ul>
 * <li>{@link #postNewKey}: a new (terminalId, txnId) each op, the insert path. The request is built
 *     in the op (a new txnId String and PaymentRequest, as the decoder would hand over);
 *     {@link #baselineNewRequest} is that part alone.</li>
 * <li>{@link #postKnownKey}: the same request again, the replay path: lookup, read-back of the
 *     known payment from the journal, content compare, outcome and view; nothing is journaled.</li>
 * </ul>
 *
 * <p>Each iteration gets a fresh journal folder and an empty book (deleted after it): the insert path
 * appends ~100 bytes per op and retains every payment, so the index grows from empty to the
 * iteration's op count (hundreds of thousands), table doublings included, as in the engine.
 */
// Chronicle's JVM flags: forks inherit them from the host JVM, which the scripts start with them
// (benchmarks/chronicle-flags.sh reads them from the root pom, the single copy)
public class PaymentBookBenchmark extends HotPathBenchmark {

    /** Generated reference data, loaded once per run. */
    @State(Scope.Benchmark)
    public static class Reference {
        Path dir;
        ReferenceData ref;

        @Setup
        public void load() throws Exception {
            dir = BookFixtures.tempDir("lumbung-jmh-ref-");
            ref = BookFixtures.reference(dir);
        }

        @TearDown
        public void delete() {
            JournalAppendBenchmark.deleteRecursively(dir);
        }
    }

    /** A fresh ASYNC journal and empty book per iteration, plus one known payment for the replay path. */
    @State(Scope.Thread)
    public static class Book {
        Path dir;
        Journal journal;
        PaymentBook book;
        Terminal[] terminals;
        long occurredAtEpochMs;
        long nextTxn;
        PaymentRequest known;
        Terminal knownTerminal;

        @Setup(Level.Iteration)
        public void open(Reference r) throws IOException {
            dir = BookFixtures.tempDir("lumbung-jmh-book-");
            journal = new Journal(dir, Durability.ASYNC);
            book = BookFixtures.book(r.ref, journal, window -> { });
            terminals = new Terminal[r.ref.terminalCount()];
            for (int i = 0; i < terminals.length; i++) {
                terminals[i] = r.ref.terminal(i);
            }
            // well inside the accepted window (now - 7 days .. now + 5 minutes) for the whole iteration
            occurredAtEpochMs = System.currentTimeMillis() - 60_000;
            nextTxn = 0;
            knownTerminal = terminals[0];
            known = new PaymentRequest(knownTerminal.terminalId(), "known-000123", Fixtures.AMOUNT_RUPIAH, "IDR",
                    occurredAtEpochMs, Fixtures.OCCURRED_AT_OFFSET_SECONDS, "QRIS", null, null);
            if (book.post(known, knownTerminal).result() != PostOutcome.Result.ACCEPTED
                    || book.post(known, knownTerminal).result() != PostOutcome.Result.REPLAYED) {
                throw new IllegalStateException("known payment is not accepted, then replayed");
            }
        }

        @TearDown(Level.Iteration)
        public void closeAndDelete() {
            int retained = book.retainedPayments();
            System.out.println("  [" + retained + " payments retained at the end of the iteration]");
            // postNewKey must have been accepted every time (baselineNewRequest and postKnownKey post nothing new)
            if (retained != 1 && retained != nextTxn + 1) {
                throw new IllegalStateException(nextTxn + " new requests but " + (retained - 1) + " accepted");
            }
            journal.close();
            JournalAppendBenchmark.deleteRecursively(dir);
        }

        /** The next new payment: terminals round-robin, txnId base 36, amounts Rp1,000..Rp1,000,999. */
        PaymentRequest nextRequest() {
            long i = nextTxn++;
            Terminal t = terminals[(int) (i % terminals.length)];
            return new PaymentRequest(t.terminalId(), Long.toString(i, 36), 1_000 + (i * 7919) % 1_000_000, "IDR",
                    occurredAtEpochMs, Fixtures.OCCURRED_AT_OFFSET_SECONDS, "QRIS", null, null);
        }

        Terminal terminalOf(long i) {
            return terminals[(int) (i % terminals.length)];
        }
    }

    /** Part of postNewKey: building the request (txnId String + PaymentRequest) without posting it. */
    @Benchmark
    public PaymentRequest baselineNewRequest(Book b) {
        return b.nextRequest();
    }

    /** Insert path: a new idempotency key each op; journaled (ASYNC) and retained. */
    @Benchmark
    public PostOutcome postNewKey(Book b) {
        Terminal terminal = b.terminalOf(b.nextTxn);
        return b.book.post(b.nextRequest(), terminal);
    }

    /** Replay path: a known key with the same content, answered from the index; nothing journaled. */
    @Benchmark
    public PostOutcome postKnownKey(Book b) {
        return b.book.post(b.known, b.knownTerminal);
    }
}
