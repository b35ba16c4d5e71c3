package id.lumbung.core.journal;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal entry of a batch's file digests: what is encoded decodes the same, and a damaged one is refused. */
class FileDigestsEntryTest {
    private static byte[] sha(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        b[31] = (byte) (seed * 7);
        return b;
    }

    private static final FileDigests DIGESTS = new FileDigests("KSP-KLEWER-57", List.of(
            new FileDigests.File("KSP-KLEWER-57.csv", 1_234, sha(1)),
            new FileDigests.File("KSP-KLEWER-57.camt053.xml", 5_678, sha(2)),
            new FileDigests.File("KSP-KLEWER-57.payouts.csv", 90, sha(3))));

    @Test
    void encodesAndDecodesTheBatchAndEachFile() {
        EntryCodec codec = new EntryCodec();
        int length = codec.encodeFileDigests(58, 1_700_000_000_000L, DIGESTS);
        byte[] entry = Arrays.copyOf(codec.buffer(), length);
        for (boolean strings : new boolean[] {true, false}) {
            JournalEntry out = new JournalEntry();
            int code = strings ? new EntryCodec().decode(entry, length, out) : new EntryCodec().decodeForReplay(entry, length, out);
            assertThat(code).isEqualTo(EntryCodec.OK);
            assertThat(out.type).isEqualTo(JournalEntry.TYPE_FILE_DIGESTS);
            assertThat(out.sequence).isEqualTo(58);
            assertThat(out.atEpochMs).isEqualTo(1_700_000_000_000L);
            assertThat(out.digests.batchId()).isEqualTo("KSP-KLEWER-57");
            assertThat(out.digests.files()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                FileDigests.File f = out.digests.files().get(i);
                assertThat(f.name()).isEqualTo(DIGESTS.files().get(i).name());
                assertThat(f.sizeBytes()).isEqualTo(DIGESTS.files().get(i).sizeBytes());
                assertThat(f.sha256()).isEqualTo(DIGESTS.files().get(i).sha256());
            }
        }
    }

    @Test
    void aFlippedBitOrAShortBodyIsRefused() {
        EntryCodec codec = new EntryCodec();
        int length = codec.encodeFileDigests(58, 1L, DIGESTS);
        byte[] entry = Arrays.copyOf(codec.buffer(), length);
        byte[] flipped = entry.clone();
        flipped[length - 5] ^= 0x10; // inside the last SHA-256
        assertThat(new EntryCodec().decode(flipped, length, new JournalEntry())).isEqualTo(EntryCodec.ERR_CRC);
        assertThat(new EntryCodec().decode(entry, length - 1, new JournalEntry())).isNotEqualTo(EntryCodec.OK);
    }
}
