package id.lumbung.core.payment;

import id.lumbung.config.Durability;
import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.PaymentRequest;
import id.lumbung.core.reference.JournaledReference;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.journal.Journal;
import id.lumbung.metrics.EngineMetrics;
import id.lumbung.reference.ReferenceFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payment book journals reference changes at their position and replays them: the baseline
 * an upgraded journal records once, the reference each close is settled with, and a terminal
 * move refused while that terminal has unsettled payments (with nothing journaled).
 */
class ReferenceJournalTest {
    private static final Map<String, String> PLANS = FeeSchedule.defaults().toConfig();
    private final PaymentBookTest.MutableClock clock = new PaymentBookTest.MutableClock();
    private final List<ClosedWindow> windows = new ArrayList<>();

    private PaymentBook book(JournaledReference journaled, ReferenceData files, Journal journal) {
        return new PaymentBook(journaled, files, clock, journal, windows::add, Long.MAX_VALUE, 1_000_000);
    }

    private PaymentRequest request(String terminalId, String txnId, long amount) {
        return new PaymentRequest(terminalId, txnId, amount, "IDR", clock.millis(), 25_200, "QRIS", null, null);
    }

    /** The demo files, with {@code from} replaced by {@code to} in {@code fileName}, loaded from {@code dir}. */
    private static ReferenceData demoWith(Path dir, String fileName, String from, String to) throws Exception {
        Files.createDirectories(dir);
        for (String name : new String[] {"coops.csv", "traders.csv", "terminals.csv"}) {
            try (InputStream in = ReferenceJournalTest.class.getResourceAsStream("/demo/" + name)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (name.equals(fileName)) {
                    assertThat(text).contains(from);
                    text = text.replace(from, to);
                }
                Files.writeString(dir.resolve(name), text);
            }
        }
        return ReferenceFiles.load(dir, PLANS.keySet());
    }

    @Test
    void anUpgradedJournalRecordsItsBaselineOnceAndReplaysItsPastWithIt(@TempDir Path dir) throws Exception {
        ReferenceData umi = demoWith(dir.resolve("a"), "traders.csv", ",", ",");
        ReferenceData reg = demoWith(dir.resolve("b"), "traders.csv", "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,UMI",
                "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,REG");
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            // a journal written before reference entries: payments and a close, nothing else
            PaymentBook old = new PaymentBook(umi, clock, journal, windows::add, Long.MAX_VALUE, 1_000_000);
            old.post(request("T0000001", "u1", 600_000), umi.terminal("T0000001"));
            old.close(-1, JournalEntry.TRIGGER_ADMIN);
            long oldEnd = old.lastSequence();

            ReferenceBaseline first = ReferenceBaseline.of(journal, umi, PLANS);
            assertThat(first.mustJournal()).isTrue();
            PaymentBook upgraded = book(first.reference(), umi, journal);
            Journal.ReplayResult r = journal.replay(upgraded::replay, n -> { });
            upgraded.afterReplay(r.lastSequence(), r.discardedTailIndex());
            List<JournaledReference.Change> baseline = upgraded.journalBaseline(umi, PLANS);
            assertThat(baseline).hasSize(3 + 3 + 12 + 20); // plans, coops, traders, terminals of the demo
            assertThat(baseline).allSatisfy(c -> assertThat(c.from()).isEqualTo("(in effect since the journal's start)"));
            assertThat(baseline.get(0).sequence()).isEqualTo(oldEnd + 1);
            PaymentBook.ReferenceUpdate change = upgraded.applyReference(reg, PLANS);
            assertThat(change.refusal()).isNull();
            assertThat(change.changes()).extracting(JournaledReference.Change::to)
                    .containsExactly("coop_id=KSP-BERINGHARJO fee_plan=REG");
            upgraded.post(request("T0000001", "r1", 600_000), upgraded.reference().terminal("T0000001"));
            upgraded.close(-1, JournalEntry.TRIGGER_ADMIN);
            long end = upgraded.lastSequence();

            // a later start finds the baseline (not the change after it) and replays each close with
            // the reference in effect there, whatever the files say now
            windows.clear();
            ReferenceBaseline again = ReferenceBaseline.of(journal, reg, PLANS);
            assertThat(again.mustJournal()).isFalse();
            PaymentBook replayed = book(again.reference(), reg, journal);
            Journal.ReplayResult r2 = journal.replay(replayed::replay, n -> { });
            replayed.afterReplay(r2.lastSequence(), r2.discardedTailIndex());
            assertThat(r2.lastSequence()).isEqualTo(end);
            assertThat(windows).hasSize(2);
            assertThat(windows.get(0).reference().trader("BRH-001").feePlan()).isEqualTo("UMI");
            assertThat(windows.get(1).reference().trader("BRH-001").feePlan()).isEqualTo("REG");
            assertThat(replayed.referenceChangesTotal()).isEqualTo(baseline.size() + 1);
            assertThat(replayed.applyReference(reg, PLANS).changes()).isEmpty();
            assertThat(replayed.lastSequence()).isEqualTo(end);
        }
    }

    @Test
    void refusesToMoveATerminalWithUnsettledPaymentsAndJournalsNothing(@TempDir Path dir) throws Exception {
        ReferenceData demo = demoWith(dir.resolve("a"), "traders.csv", ",", ",");
        ReferenceData moved = demoWith(dir.resolve("b"), "terminals.csv", "T0000001,BRH-001,", "T0000001,BRH-003,");
        ReferenceData otherMoved = demoWith(dir.resolve("c"), "terminals.csv", "T0000002,BRH-001,", "T0000002,BRH-003,");
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            PaymentBook book = book(new JournaledReference(), demo, journal);
            assertThat(book.applyReference(demo, PLANS).changes()).hasSize(38);
            book.post(request("T0000001", "m1", 10_000), book.reference().terminal("T0000001"));
            long before = book.lastSequence();

            PaymentBook.ReferenceUpdate refused = book.applyReference(moved, PLANS);
            assertThat(refused.refusal()).isEqualTo(dir.resolve("b/terminals.csv") + " line 2 field trader_id: terminal"
                    + " T0000001 moves from trader BRH-001 to BRH-003 while it has unsettled payments; close the window"
                    + " of its cooperative first (POST /admin/v1/settlements/close), then make the change");
            assertThat(refused.changes()).isEmpty();
            assertThat(book.lastSequence()).isEqualTo(before);
            assertThat(book.reference().terminal("T0000001").traderIndex())
                    .isEqualTo(book.reference().trader("BRH-001").index());

            // another terminal of the same trader has no unsettled payment of its own: it may move
            PaymentBook.ReferenceUpdate other = book.applyReference(otherMoved, PLANS);
            assertThat(other.refusal()).isNull();
            assertThat(other.changes()).extracting(JournaledReference.Change::to)
                    .containsExactly("trader_id=BRH-003 status=ACTIVE");

            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            PaymentBook.ReferenceUpdate applied = book.applyReference(moved, PLANS);
            assertThat(applied.refusal()).isNull();
            // T0000001 moves to BRH-003 and T0000002 back to BRH-001 (the files of "moved")
            assertThat(applied.changes()).extracting(JournaledReference.Change::what)
                    .containsExactly("terminal T0000001", "terminal T0000002");
            PostOutcome o = book.post(request("T0000001", "m2", 10_000), book.reference().terminal("T0000001"));
            assertThat(o.payment().traderId()).isEqualTo("BRH-003");
        }
    }

    /** The journal with its room guard in the test's hands: a real journal whose {@link #hasRoom} the test can turn off. */
    static final class RoomSwitch implements id.lumbung.core.journal.JournalPort {
        private final Journal journal;
        boolean room = true;

        RoomSwitch(Journal journal) {
            this.journal = journal;
        }

        @Override
        public long append(byte[] bytes, int length) {
            return journal.append(bytes, length);
        }

        @Override
        public int read(long index, byte[] into) {
            return journal.read(index, into);
        }

        @Override
        public boolean hasRoom() {
            return room && journal.hasRoom();
        }

        @Override
        public void readFromStart(java.util.function.Consumer<JournalEntry> handler, java.util.function.BooleanSupplier keepGoing) {
            journal.readFromStart(handler, keepGoing);
        }
    }

    /**
     * A reload meets the same room guard as a post, void or close: with no room allocated past the
     * journal's end (disk full), its changes are refused as journal unavailable and nothing is
     * appended or applied, though the journal is still writable.
     */
    @Test
    void aReferenceChangeIsRefusedWhenTheJournalHasNoRoom(@TempDir Path dir) throws Exception {
        ReferenceData demo = demoWith(dir.resolve("a"), "traders.csv", ",", ",");
        ReferenceData reg = demoWith(dir.resolve("b"), "traders.csv", "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,UMI",
                "BRH-001,KSP-BERINGHARJO,Warung Bu Sri,REG");
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            RoomSwitch port = new RoomSwitch(journal);
            PaymentBook book = new PaymentBook(new JournaledReference(), demo, clock, port, windows::add, Long.MAX_VALUE,
                    1_000_000);
            assertThat(book.applyReference(demo, PLANS).changes()).hasSize(38);
            long before = book.lastSequence();

            port.room = false;
            assertThat(book.writable()).isTrue();
            assertThat(book.post(request("T0000001", "p1", 10_000), book.reference().terminal("T0000001")).result())
                    .as("the post's refusal, for comparison").isEqualTo(PostOutcome.Result.JOURNAL_UNAVAILABLE);
            PaymentBook.ReferenceUpdate refused = book.applyReference(reg, PLANS);
            assertThat(refused.journalUnavailable()).isTrue();
            assertThat(refused.changes()).isEmpty();
            assertThat(book.lastSequence()).isEqualTo(before);
            assertThat(book.reference().trader("BRH-001").feePlan()).isEqualTo("UMI");

            port.room = true;
            PaymentBook.ReferenceUpdate applied = book.applyReference(reg, PLANS);
            assertThat(applied.journalUnavailable()).isFalse();
            assertThat(applied.changes()).hasSize(1);
            assertThat(book.reference().trader("BRH-001").feePlan()).isEqualTo("REG");
        }
    }

    /**
     * A post in flight across a reload: the request was checked against the reference published
     * before the reload (its {@link id.lumbung.core.reference.Terminal} comes from there), and the
     * book, which applies the reload in journal order first, refuses it: a blocked terminal as
     * blocked, a removed one as unknown. Nothing is journaled for either.
     */
    @Test
    void aPostCheckedBeforeAReloadThatBlocksOrRemovesItsTerminalIsRefused(@TempDir Path dir) throws Exception {
        ReferenceData demo = demoWith(dir.resolve("a"), "traders.csv", ",", ",");
        String t2 = "T0000002,BRH-001,f62799079ae07c4e646365fd983a27f4433449c52a6bbd80ac2ad91ee73e20f5,";
        ReferenceData blocked = demoWith(dir.resolve("b"), "terminals.csv", t2 + "ACTIVE,", t2 + "BLOCKED,");
        ReferenceData removed = demoWith(dir.resolve("c"), "terminals.csv", t2 + "ACTIVE,\n", "");
        try (Journal journal = new Journal(dir.resolve("journal"), Durability.ASYNC)) {
            PaymentBook book = book(new JournaledReference(), demo, journal);
            book.applyReference(demo, PLANS);
            id.lumbung.core.reference.Terminal checked = book.reference().terminal("T0000002");
            assertThat(book.post(request("T0000002", "b0", 10_000), checked).result()).isEqualTo(PostOutcome.Result.ACCEPTED);

            assertThat(book.applyReference(blocked, PLANS).changes()).extracting(JournaledReference.Change::to)
                    .containsExactly("trader_id=BRH-001 status=BLOCKED");
            long before = book.lastSequence();
            assertThat(book.post(request("T0000002", "b1", 10_000), checked).result())
                    .isEqualTo(PostOutcome.Result.TERMINAL_BLOCKED);
            assertThat(book.postAll(List.of(request("T0000002", "b2", 10_000)), checked))
                    .extracting(PostOutcome::result).containsExactly(PostOutcome.Result.TERMINAL_BLOCKED);
            assertThat(book.lastSequence()).isEqualTo(before);
            assertThat(book.post(request("T0000001", "a1", 10_000), book.reference().terminal("T0000001")).result())
                    .as("another terminal of the same trader").isEqualTo(PostOutcome.Result.ACCEPTED);

            book.close(-1, JournalEntry.TRIGGER_ADMIN);
            assertThat(book.applyReference(demo, PLANS).changes()).hasSize(1);
            checked = book.reference().terminal("T0000002");
            assertThat(book.applyReference(removed, PLANS).changes()).extracting(JournaledReference.Change::to)
                    .containsExactly("(removed)");
            before = book.lastSequence();
            assertThat(book.post(request("T0000002", "r1", 10_000), checked).result())
                    .isEqualTo(PostOutcome.Result.UNAUTHENTICATED);
            assertThat(book.lastSequence()).isEqualTo(before);
        }
    }
}
