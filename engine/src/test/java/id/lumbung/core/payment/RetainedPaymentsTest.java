package id.lumbung.core.payment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The column store on its own: the key table against a map model, and window scans across chunks. */
class RetainedPaymentsTest {

    /** True when probing for the key's hash lists {@code sequence}. */
    private static boolean reachable(RetainedPayments r, long hash, long sequence) {
        r.probe(hash);
        for (long s = r.nextMatch(); s != 0; s = r.nextMatch()) {
            if (s == sequence) {
                return true;
            }
        }
        return false;
    }

    @Test
    void keyTableMatchesAMapUnderRandomInsertsAndRemovalsWithCrowdedHomeSlots() {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            RetainedPayments r = new RetainedPayments();
            Map<Long, Long> model = new HashMap<>();
            List<Long> removed = new ArrayList<>();
            Map<Long, Long> removedHash = new HashMap<>();
            long next = 1;
            long evictFrom = 1;
            int checksWhileGrowing = 0;
            for (int op = 0; op < 120_000; op++) {
                if (r.growing() && op % 499 == 0) {
                    // keys must stay findable while they move from the old table to the new one
                    checksWhileGrowing++;
                    for (Map.Entry<Long, Long> e : model.entrySet()) {
                        assertThat(reachable(r, e.getValue(), e.getKey())).as("seed %d op %d sequence %d while growing",
                                seed, op, e.getKey()).isTrue();
                    }
                    for (int k = Math.max(0, removed.size() - 200); k < removed.size(); k++) {
                        long gone = removed.get(k);
                        assertThat(reachable(r, removedHash.get(gone), gone)).as("removed %d", gone).isFalse();
                    }
                }
                if (rnd.nextInt(10) < 7 || model.isEmpty()) {
                    // hashes drawn from a small set: long probe runs and wrap-around at the table's end
                    long hash = rnd.nextInt(50) == 0 ? (rnd.nextInt(8) * 0x1_0000L) - 1 - rnd.nextInt(3)
                            : rnd.nextLong();
                    r.add(next, hash, 0, 0, 1, 0, next);
                    model.put(next, hash);
                    next++;
                } else {
                    // remove the oldest few or a random one, as eviction and tests would
                    long victim = evictFrom;
                    while (!model.containsKey(victim)) {
                        victim++;
                    }
                    if (rnd.nextBoolean()) {
                        long pick = evictFrom + rnd.nextInt((int) Math.min(1000, next - evictFrom));
                        if (model.containsKey(pick)) {
                            victim = pick;
                        }
                    }
                    r.remove(victim);
                    removedHash.put(victim, model.remove(victim));
                    removed.add(victim);
                    while (evictFrom < next && !model.containsKey(evictFrom)) {
                        evictFrom++;
                    }
                }
            }
            assertThat(checksWhileGrowing).as("seed %d checked during a growth", seed).isPositive();
            assertThat(r.size()).isEqualTo(model.size());
            for (Map.Entry<Long, Long> e : model.entrySet()) {
                assertThat(reachable(r, e.getValue(), e.getKey())).as("seed %d sequence %d", seed, e.getKey()).isTrue();
                assertThat(r.present(e.getKey())).isTrue();
            }
            for (long gone : removed) {
                assertThat(r.present(gone)).isFalse();
            }
        }
    }

    @Test
    void windowVisitsOnlyPresentUnvoidedPaymentsOfClosingCoopsFromTheirFirstSequence() {
        RetainedPayments r = new RetainedPayments();
        int[] coopOfTrader = {0, 1, 2};
        long total = 3L * RetainedPayments.CHUNK_SLOTS + 17;
        for (long s = 1; s <= total; s++) {
            if (s % 5 == 0) {
                continue; // a void or close entry: no payment in the slot
            }
            r.add(s, s * 31, 0, (int) (s % 3), s, 0, s);
            if (s % 11 == 0) {
                r.markVoided(s);
            }
        }
        long[] first = {100, Long.MAX_VALUE, 70_000};
        long[] expectedCount = new long[3];
        long[] expectedSum = new long[3];
        for (long s = 50; s <= total; s++) {
            int coop = (int) (s % 3);
            if (s % 5 != 0 && s % 11 != 0 && s >= first[coop]) {
                expectedCount[coop]++;
                expectedSum[coop] += s;
            }
        }
        long[] count = new long[3];
        long[] sum = new long[3];
        r.window(50, total, first, coopOfTrader).forEach((coop, trader, amount) -> {
            assertThat(trader).isEqualTo(coop);
            count[coop]++;
            sum[coop] += amount;
        });
        assertThat(count).containsExactly(expectedCount);
        assertThat(sum).containsExactly(expectedSum);
        assertThat(count[1]).isZero();
    }

    @Test
    void windowBeforeAnyPaymentIsEmpty() {
        RetainedPayments r = new RetainedPayments();
        long[] first = {1, 1, 1};
        long[] visited = {0};
        r.window(1, 1, first, new int[] {0, 1, 2}).forEach((coop, trader, amount) -> visited[0]++);
        r.window(1, 7, first, new int[] {0, 1, 2}).forEach((coop, trader, amount) -> visited[0]++);
        assertThat(visited[0]).isZero();
    }

    /** A close whose sequence opens a chunk that no payment reached still visits the earlier payments. */
    @Test
    void windowEndingInAChunkNoPaymentReachedVisitsThePaymentsBeforeIt() {
        RetainedPayments r = new RetainedPayments();
        long lastPayment = RetainedPayments.CHUNK_SLOTS;
        for (long s = 1; s <= lastPayment; s++) {
            r.add(s, s * 31, 0, 0, 2, 0, s);
        }
        long[] sum = {0};
        long closeSequence = lastPayment + 1; // the first slot of the second chunk, which does not exist
        r.window(1, closeSequence, new long[] {1}, new int[] {0}).forEach((coop, trader, amount) -> sum[0] += amount);
        assertThat(sum[0]).isEqualTo(2 * lastPayment);
        long[] none = {0};
        r.window(closeSequence, closeSequence + 5, new long[] {closeSequence}, new int[] {0})
                .forEach((coop, trader, amount) -> none[0]++);
        assertThat(none[0]).isZero();
    }

    @Test
    void droppedChunksLeaveLaterSequencesAndTheirKeysIntact() {
        RetainedPayments r = new RetainedPayments();
        long n = 2L * RetainedPayments.CHUNK_SLOTS + 5;
        for (long s = 1; s <= n; s++) {
            r.add(s, RetainedPayments.keyHash("T1", "x" + s), 7, 1, s, s, s);
        }
        for (long s = 1; s <= RetainedPayments.CHUNK_SLOTS + 3; s++) {
            r.remove(s);
        }
        r.dropBelow(RetainedPayments.CHUNK_SLOTS + 4);
        assertThat(r.present(1)).isFalse();
        assertThat(r.size()).isEqualTo((int) (n - RetainedPayments.CHUNK_SLOTS - 3));
        long s = RetainedPayments.CHUNK_SLOTS + 4;
        assertThat(r.present(s)).isTrue();
        assertThat(r.amount(s)).isEqualTo(s);
        assertThat(r.terminal(s)).isEqualTo(7);
        assertThat(reachable(r, RetainedPayments.keyHash("T1", "x" + n), n)).isTrue();
    }

    @Test
    void keyHashOfAsciiBytesEqualsKeyHashOfTheStrings() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            String terminal = "T" + rnd.nextInt(1_000_000);
            String txn = Long.toString(rnd.nextLong() >>> 1, 36);
            byte[] b = ("xx" + terminal + txn).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(RetainedPayments.keyHash(b, 2, terminal.length(), 2 + terminal.length(), txn.length()))
                    .isEqualTo(RetainedPayments.keyHash(terminal, txn));
        }
        // the separator keeps the split between the two ids significant
        assertThat(RetainedPayments.keyHash("AB", "C")).isNotEqualTo(RetainedPayments.keyHash("A", "BC"));
    }

    @Test
    void asciiIdIndexFindsEveryIdFromItsBytesAndNothingElse() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ids.add("TR-" + i);
        }
        AsciiIdIndex index = new AsciiIdIndex(ids.size(), ids::get);
        for (int i = 0; i < ids.size(); i++) {
            byte[] b = ("::" + ids.get(i) + "::").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(index.find(b, 2, ids.get(i).length())).isEqualTo(i);
        }
        byte[] other = "TR-5000".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(index.find(other, 0, other.length)).isEqualTo(-1);
        assertThat(index.find(other, 0, 3)).isEqualTo(-1); // "TR-", a prefix, is not an id
        byte[] utf8 = "TR-\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(index.find(utf8, 0, utf8.length)).isEqualTo(-1);
    }
}
