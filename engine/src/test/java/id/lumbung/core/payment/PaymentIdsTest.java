package id.lumbung.core.payment;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Payment ids have one spelling per journal: Chronicle's {@code P<sequence>}, Kafka's
 * {@code P<partition>-<sequence>}. Each mode reads only its own spelling, and only the one it
 * writes, so every other string (including the other mode's ids) is no payment at all.
 */
class PaymentIdsTest {

    @ParameterizedTest
    @CsvSource({"P1,1", "P9,9", "P10,10", "P1024,1024", "P9223372036854775799,9223372036854775799"})
    void chronicleReadsItsOwnSpelling(String id, long sequence) {
        assertThat(PaymentIds.sequenceOf(id)).isEqualTo(sequence);
        assertThat(PaymentIds.sequenceOf(id, -1)).isEqualTo(sequence);
        assertThat(PaymentIds.partitionOf(id)).as("a Chronicle id names no partition").isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "P", "P0", "P00", "P01", "p1", "Q1", "1", " P1", "P1 ", "P+1", "P-1", "P1a", "P1.0",
            "P7-1024", "P0-1", "P7-", "P99999999999999999999", "P9223372036854775800", "P9223372036854775807"})
    void chronicleRefusesEveryOtherSpelling(String id) {
        assertThat(PaymentIds.sequenceOf(id)).isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf(id, -1)).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({"P0-1,0,1", "P7-1,7,1", "P7-1024,7,1024", "P10-10,10,10", "P99999-1,99999,1",
            "P99999-9223372036854775799,99999,9223372036854775799"})
    void kafkaReadsItsOwnSpelling(String id, int partition, long sequence) {
        assertThat(PaymentIds.partitionOf(id)).isEqualTo(partition);
        assertThat(PaymentIds.sequenceOf(id, partition)).isEqualTo(sequence);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "P", "P1024", "P07-1", "P00-1", "P7-01", "P7-0", "P-1", "P7-", "P-", "P--1", "P7--1",
            "P7-1-2", "P7-1a", "p7-1", "Q7-1", " P7-1", "P7-1 ", "P+7-1", "P7-+1", "P100000-1", "P7-9223372036854775800",
            "P7-99999999999999999999"})
    void kafkaRefusesEveryOtherSpelling(String id) {
        assertThat(PaymentIds.partitionOf(id)).isEqualTo(-1);
        for (int partition : new int[] {0, 1, 7, 10, 99_999, 100_000}) {
            assertThat(PaymentIds.sequenceOf(id, partition)).as("%s in partition %d", id, partition).isEqualTo(-1);
        }
    }

    @Test
    void nullIsNoId() {
        assertThat(PaymentIds.sequenceOf(null)).isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf(null, 3)).isEqualTo(-1);
        assertThat(PaymentIds.partitionOf(null)).isEqualTo(-1);
    }

    @Test
    void kafkaReadsOnlyTheIdsOfItsOwnPartition() {
        assertThat(PaymentIds.sequenceOf("P3-2", 3)).isEqualTo(2);
        assertThat(PaymentIds.sequenceOf("P3-2", 2)).isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf("P3-2", 0)).isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf("P3-2", 30)).isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf("P3-2", -1)).as("Chronicle reads no Kafka id").isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf("P2", 2)).as("Kafka reads no Chronicle id").isEqualTo(-1);
        assertThat(PaymentIds.sequenceOf("P32", 3)).isEqualTo(-1);
    }

    @Test
    void everyIdWrittenReadsBackAsItsPartitionAndSequence() {
        long[] sequences = {1, 9, 10, 99, 100, 1024, 999_999, 1_000_000, 123_456_789_012L, 9_223_372_036_854_775_799L};
        int[] partitions = {-1, 0, 1, 9, 10, 12, 99_999};
        for (int partition : partitions) {
            for (long sequence : sequences) {
                String id = PaymentIds.paymentId(partition, sequence);
                assertThat(id).isEqualTo(partition < 0 ? "P" + sequence : "P" + partition + "-" + sequence);
                assertThat(PaymentIds.appendPaymentId(new StringBuilder("x"), partition, sequence).toString()).isEqualTo("x" + id);
                assertThat(PaymentIds.sequenceOf(id, partition)).as(id).isEqualTo(sequence);
                assertThat(PaymentIds.partitionOf(id)).as(id).isEqualTo(partition);
                for (int other : partitions) {
                    if (other != partition) {
                        assertThat(PaymentIds.sequenceOf(id, other)).as("%s read in partition %d", id, other).isEqualTo(-1);
                    }
                }
            }
        }
    }

    @Test
    void chronicleSpellingIsTheOneItAlwaysWas() {
        for (long sequence : new long[] {1, 42, 1_000_000, Long.MAX_VALUE}) {
            assertThat(PaymentIds.paymentId(sequence)).isEqualTo("P" + sequence);
            assertThat(PaymentIds.appendPaymentId(new StringBuilder("{"), sequence).toString()).isEqualTo("{P" + sequence);
        }
    }

    @Test
    void aPartitionPastTheLimitIsNeverWritten() {
        assertThatThrownBy(() -> PaymentIds.paymentId(PaymentIds.PARTITION_MAX + 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writingAndReadingAllocateNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder(64);
        String[] ids = {"P7-1024", "P1024", "P12345-9876543210", "P07-1"};
        long sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up: let the JIT compile the path
            sink += round(sb, ids, i);
        }
        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        long measured = 0;
        for (int i = 0; i < 10_000; i++) {
            measured += round(sb, ids, i);
        }
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertThat(sink).isPositive();
        assertThat(measured).isEqualTo(10_000L * (7 + 1024 + 1024 + 12_345 + 9_876_543_210L + (-1)));
        // the smallest object is 16 bytes: 10,000 rounds that allocated would show 160,000 bytes or more
        assertThat(allocated).as("bytes allocated by 10,000 rounds").isLessThan(1_000L);
    }

    /** Writes one Kafka id into {@code sb}, reads four: the sum of what they name. */
    private static long round(StringBuilder sb, String[] ids, int i) {
        sb.setLength(0);
        PaymentIds.appendPaymentId(sb, 7, 1 + (i & 1));
        return sb.length() + PaymentIds.partitionOf(ids[0]) + PaymentIds.sequenceOf(ids[0], 7) + PaymentIds.sequenceOf(ids[1], -1)
                + PaymentIds.partitionOf(ids[2]) + PaymentIds.sequenceOf(ids[2], 12_345) + PaymentIds.partitionOf(ids[3])
                - sb.length();
    }
}
