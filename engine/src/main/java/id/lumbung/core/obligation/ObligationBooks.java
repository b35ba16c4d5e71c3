package id.lumbung.core.obligation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Every cooperative's {@link ObligationBook}, by cooperative id: a book exists from the
 * cooperative's first obligation event or first window close on, so that its last close's date is
 * known before its first obligation arrives (an {@code end} before that date is refused).
 *
 * <p>Two owners keep one each, fed the same journal entries in the same order: the journal writer
 * (terms and close dates, to answer {@code PUT} and {@code end} before journaling) and settlement
 * (deductions too). Each book is its own monitor: its owner changes it while holding it, so that
 * another thread reading under it ({@link #views}, {@link #dues}) sees a book between two events or
 * two whole closes, never half of a close.
 */
public final class ObligationBooks {
    /** Snapshot bytes of all books: 4,000,000 obligations of ~110 bytes fit with room to spare. */
    private static final int SNAPSHOT_BYTES_MAX = Integer.MAX_VALUE - 8;
    /** Cooperatives a snapshot may hold books of, as {@code ReferenceData} bounds them. */
    private static final int SNAPSHOT_COOPS_MAX = 1_000_000;

    private final HashMap<String, ObligationBook> byCoop = new HashMap<>();

    /** The cooperative's book, created empty if it has none yet. Owner thread only. */
    public ObligationBook book(String coopId) {
        synchronized (byCoop) {
            return byCoop.computeIfAbsent(coopId, ObligationBook::new);
        }
    }

    /** The cooperative's book, or null; any thread (read the book under its monitor). */
    public ObligationBook find(String coopId) {
        synchronized (byCoop) {
            return byCoop.get(coopId);
        }
    }

    /** Applies a journaled event ({@link ObligationBook#apply}) under the book's monitor. */
    public Obligation apply(ObligationEvent event) {
        ObligationBook book = book(event.coopId());
        synchronized (book) {
            return book.apply(event);
        }
    }

    /**
     * A window close of the cooperative that deducts nothing (no batch, or the journal writer's
     * mirror): the book's last close moves to {@code closeDate} (never back).
     */
    public void closed(String coopId, LocalDate closeDate) {
        ObligationBook book = book(coopId);
        synchronized (book) {
            book.close(closeDate);
        }
    }

    /** The cooperative's obligations as of its last close, the member's only when {@code traderIdOrNull} is given. */
    public List<ObligationView> views(String coopId, String traderIdOrNull) {
        ObligationBook book = find(coopId);
        if (book == null) {
            return List.of();
        }
        synchronized (book) {
            return book.views(traderIdOrNull);
        }
    }

    /** The member's savings, loan due and total due as of its cooperative's last close. */
    public MemberDues dues(String coopId, String traderId) {
        ObligationBook book = find(coopId);
        if (book == null) {
            return MemberDues.NONE;
        }
        synchronized (book) {
            return book.dues(traderId);
        }
    }

    /** The obligation of that id in the cooperative, or null. */
    public Obligation obligation(String coopId, String obligationId) {
        ObligationBook book = find(coopId);
        if (book == null) {
            return null;
        }
        synchronized (book) {
            return book.obligation(obligationId);
        }
    }

    /** Obligations held in every book. */
    public long size() {
        long n = 0;
        for (ObligationBook b : books()) {
            synchronized (b) {
                n += b.size();
            }
        }
        return n;
    }

    private List<ObligationBook> books() {
        synchronized (byCoop) {
            List<ObligationBook> books = new ArrayList<>(byCoop.values());
            books.sort(java.util.Comparator.comparing(ObligationBook::coopId));
            return books;
        }
    }

    /**
     * Every book as bytes ({@link ObligationBook#writeTo}, by cooperative id): count, then each
     * book. Same books, same bytes. Called once the owner has stopped.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            List<ObligationBook> books = books();
            out.writeInt(books.size());
            for (ObligationBook b : books) {
                synchronized (b) {
                    b.writeTo(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Loads what {@link #toBytes} wrote into these empty books.
     *
     * @throws IOException naming what is wrong, from {@link ObligationBook#readFrom}'s checks or here
     */
    public void fromBytes(byte[] bytes) throws IOException {
        synchronized (byCoop) {
            if (!byCoop.isEmpty()) {
                throw new IllegalStateException("obligation books already hold " + byCoop.size() + " cooperatives");
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int count = in.readInt();
            if (count < 0 || count > SNAPSHOT_COOPS_MAX) {
                throw new IOException("obligation books snapshot holds " + count + " cooperatives");
            }
            for (int i = 0; i < count; i++) {
                ObligationBook b = ObligationBook.readFrom(in);
                if (byCoop.put(b.coopId(), b) != null) {
                    throw new IOException("obligation books snapshot holds cooperative " + b.coopId() + " twice");
                }
            }
            if (in.available() != 0) {
                throw new IOException("obligation books snapshot has " + in.available() + " bytes after its books");
            }
        }
    }

    /** The most bytes {@link #fromBytes} is given from a snapshot. */
    public static int snapshotBytesMax() {
        return SNAPSHOT_BYTES_MAX;
    }
}
