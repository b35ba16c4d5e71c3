package id.lumbung.kafka;

import id.lumbung.core.journal.EntryCodec;
import id.lumbung.core.journal.JournalCorruptException;
import id.lumbung.core.journal.JournalEntry;
import java.util.function.Consumer;

/**
 * Splits a Kafka journal record's value into its journal entries. A value is one or more entries
 * of {@link EntryCodec}, concatenated with nothing between them: each entry is self-delimiting by
 * its header's body length and checked by its own CRC32C, so the record needs no framing of its
 * own.
 *
 * <p>A value is refused as corrupt ({@link JournalCorruptException}) unless its entries add up to
 * exactly its length: a value that ends inside an entry (torn) or has bytes after its last entry
 * (extra) fails before any entry is handed on. Each entry is then decoded with every check of
 * {@link EntryCodec} (version, length, checksum, type, body): an entry that fails them throws after
 * the entries before it in the same value were handed on, and the replay that called this stops
 * there.
 *
 * <p>Not thread-safe: one instance per replaying thread. The entries handed on are one reused
 * {@link JournalEntry}, decoded as {@link EntryCodec#decodeForReplay} decodes; its payment slices
 * are valid until the handler returns.
 */
public final class RecordEntries {
    private final EntryCodec codec = new EntryCodec();
    private final JournalEntry entry = new JournalEntry();
    /** Where each entry is copied to be decoded: {@link EntryCodec} reads an entry from offset 0 of its array. */
    private final byte[] scratch = new byte[EntryCodec.ENTRY_BYTES_MAX];

    /**
     * Hands each entry of a record value, in order, to {@code handler}.
     *
     * @param offset the record's offset, for the message of a refusal
     * @return the number of entries
     * @throws JournalCorruptException if the value is empty, its entries do not add up exactly to its
     *         length, or an entry fails its checks
     */
    public int forEach(long offset, byte[] value, Consumer<JournalEntry> handler) {
        return forEachEntry(offset, value, (decoded, bytes, length) -> handler.accept(decoded));
    }

    /** An entry as decoded and as its bytes (at offset 0 of {@code bytes}, valid until the handler returns). */
    @FunctionalInterface
    public interface EntryHandler {
        void entry(JournalEntry decoded, byte[] bytes, int length);
    }

    /**
     * As {@link #forEach}, handing on each entry's bytes too (a node's local copy of the partition
     * appends them as they are).
     */
    public int forEachEntry(long offset, byte[] value, EntryHandler handler) {
        int count = frame(offset, value);
        int at = 0;
        for (int i = 0; i < count; i++) {
            int length = entryLength(value, at);
            System.arraycopy(value, at, scratch, 0, length);
            int result = codec.decodeForReplay(scratch, length, entry);
            if (result != EntryCodec.OK) {
                throw corrupt(offset, value, "entry " + (i + 1) + " at byte " + at + ": " + EntryCodec.errorName(result));
            }
            handler.entry(entry, scratch, length);
            at += length;
        }
        return count;
    }

    /** Walks the entry headers: the number of entries when their lengths add up to exactly the value's length. */
    private static int frame(long offset, byte[] value) {
        if (value == null || value.length == 0) {
            throw corrupt(offset, value, "no entry");
        }
        int at = 0;
        int count = 0;
        while (at < value.length) {
            if (value.length - at < EntryCodec.HEADER_BYTES) {
                throw corrupt(offset, value, (value.length - at) + " bytes after entry " + count + " at byte " + at
                        + ", fewer than an entry header");
            }
            int length = entryLength(value, at);
            if (length > EntryCodec.ENTRY_BYTES_MAX) {
                throw corrupt(offset, value, "entry " + (count + 1) + " at byte " + at + " claims " + length
                        + " bytes, more than any entry (" + EntryCodec.ENTRY_BYTES_MAX + ")");
            }
            if (length > value.length - at) {
                throw corrupt(offset, value, "entry " + (count + 1) + " at byte " + at + " claims " + length
                        + " bytes, " + (value.length - at) + " remain");
            }
            at += length;
            count++;
        }
        return count;
    }

    /** The whole length of the entry at {@code at}: its header and the body length the header gives. */
    private static int entryLength(byte[] value, int at) {
        int bodyBytes = (value[at + EntryCodec.LENGTH_OFFSET] & 0xFF) | (value[at + EntryCodec.LENGTH_OFFSET + 1] & 0xFF) << 8;
        return EntryCodec.HEADER_BYTES + bodyBytes;
    }

    private static JournalCorruptException corrupt(long offset, byte[] value, String why) {
        return new JournalCorruptException("Kafka journal record at offset " + offset + " ("
                + (value == null ? 0 : value.length) + " bytes): " + why);
    }
}
