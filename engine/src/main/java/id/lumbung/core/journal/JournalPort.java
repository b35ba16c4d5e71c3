package id.lumbung.core.journal;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The journal as the core writes and reads it: entries encoded by {@link EntryCodec}, each at an
 * index the journal chooses. The core owns this port; the shell's adapter (Chronicle Queue)
 * implements it. Calls come from the journal writer thread only (or the starting thread, before
 * the writer starts).
 */
public interface JournalPort {

    /**
     * Appends one encoded entry.
     *
     * @return the entry's index, for {@link #read}
     * @throws JournalUnavailableException when a journal that can fail without stopping the process
     *     can take no more entries (its owner was fenced): nothing since its last commit is durable
     */
    long append(byte[] bytes, int length);

    /**
     * Reads back the entry at an index (from {@link #append} or replay) into {@code into}.
     *
     * @return the entry's length, or -1 when no entry is at that index or it is longer than {@code into}
     */
    int read(long index, byte[] into);

    /** Whether the next entry can be appended safely (room on disk for it). */
    boolean hasRoom();

    /**
     * Hands each good entry from the start, in journal order, to {@code handler} while {@code
     * keepGoing} holds (asked before each entry): a search for the first entries of some kind.
     * Payments come as {@link EntryCodec#decodeForReplay} decodes them.
     *
     * @throws JournalCorruptException as replay would, for the entries it reads
     */
    void readFromStart(Consumer<JournalEntry> handler, BooleanSupplier keepGoing);
}
