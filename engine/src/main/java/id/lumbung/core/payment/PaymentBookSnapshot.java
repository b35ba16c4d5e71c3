package id.lumbung.core.payment;

import id.lumbung.core.obligation.ObligationBooks;
import id.lumbung.core.reference.JournaledReference;
import id.lumbung.core.snapshot.SnapshotException;
import id.lumbung.core.snapshot.SnapshotReader;
import id.lumbung.core.snapshot.SnapshotWriter;

/**
 * The payment book's part of a snapshot: its journaled reference, positions, per-cooperative
 * window figures, batch close sequences, retained payments and the obligations' terms, in that order. Written at a clean
 * stop and read into a freshly built book at start (the byte layout is what snapshot files hold).
 */
final class PaymentBookSnapshot {
    private PaymentBookSnapshot() {
    }

    /**
     * Writes the whole book as of {@link PaymentBook#lastSequence()}. Only when nothing runs on it (the writer
     * has stopped) and every closed window has been handed to settlement.
     */
    static void write(PaymentBook book, SnapshotWriter out) {
        if (!book.pendingWindows.isEmpty()) {
            throw new IllegalStateException(book.pendingWindows.size() + " closed windows not yet handed to settlement");
        }
        writeReference(book, out);
        out.writeLong(book.lastSequence);
        out.writeLong(book.lastEntryIndex);
        out.writeLong(book.lastClose);
        out.writeLong(book.evictCursor);
        out.writeLong(book.unsettledRupiah);
        out.writeLong(book.unsettledPayments);
        out.writeInt(book.lastCloseSequence.length);
        out.writeLongs(book.lastCloseSequence, 0, book.lastCloseSequence.length);
        out.writeLongs(book.firstOpenSequence, 0, book.firstOpenSequence.length);
        out.writeLongs(book.firstOpenAcceptedAt, 0, book.firstOpenAcceptedAt.length);
        out.writeLongs(book.openPayments, 0, book.openPayments.length);
        out.writeLongs(book.voidedOpen, 0, book.voidedOpen.length);
        out.writeLongs(book.unsettledRupiahByCoop, 0, book.unsettledRupiahByCoop.length);
        for (int c = 0; c < book.batchCloseCount.length; c++) {
            out.writeInt(book.batchCloseCount[c]);
            out.writeLongs(book.batchCloseSequences[c] == null ? new long[0] : book.batchCloseSequences[c], 0,
                    book.batchCloseCount[c]);
        }
        book.retained.writeTo(out);
        byte[] terms = book.obligationTerms.toBytes();
        out.writeInt(terms.length);
        out.writeBytes(terms, 0, terms.length);
    }

    /** The journaled reference at the snapshot's position, so that a start from it needs no earlier entry. */
    private static void writeReference(PaymentBook book, SnapshotWriter out) {
        book.journaled.writeTo(out);
    }

    private static void readReference(PaymentBook book, SnapshotReader in) {
        book.journaled = JournaledReference.readFrom(in);
        book.referenceStale = true;
        book.refreshReference();
    }

    /** Loads a snapshot {@link #write} wrote into this freshly built book (its reference comes with it). */
    static void read(PaymentBook book, SnapshotReader in) {
        if (book.lastSequence != 0) {
            throw new IllegalStateException("a snapshot loads into an empty payment book only");
        }
        readReference(book, in);
        book.lastSequence = in.readLong();
        book.lastEntryIndex = in.readLong();
        book.lastClose = in.readLong();
        book.evictCursor = in.readLong();
        book.unsettledRupiah = in.readLong();
        book.unsettledPayments = in.readLong();
        int coops = in.readCount(book.lastCloseSequence.length, "cooperatives");
        if (coops != book.lastCloseSequence.length) {
            throw new SnapshotException("snapshot holds " + coops + " cooperatives, the reference data "
                    + book.lastCloseSequence.length);
        }
        in.readLongs(book.lastCloseSequence, 0, coops);
        in.readLongs(book.firstOpenSequence, 0, coops);
        in.readLongs(book.firstOpenAcceptedAt, 0, coops);
        in.readLongs(book.openPayments, 0, coops);
        in.readLongs(book.voidedOpen, 0, coops);
        in.readLongs(book.unsettledRupiahByCoop, 0, coops);
        for (int c = 0; c < coops; c++) {
            int n = in.readCount(Integer.MAX_VALUE - 8, "closes of a cooperative");
            in.requireBytesLeft((long) n * Long.BYTES);
            book.batchCloseCount[c] = n;
            book.batchCloseSequences[c] = n == 0 ? null : new long[Math.max(4, n)];
            if (n > 0) {
                in.readLongs(book.batchCloseSequences[c], 0, n);
            }
        }
        book.retained.readFrom(in);
        int termBytes = in.readCount(ObligationBooks.snapshotBytesMax(), "bytes of the obligations' terms");
        byte[] terms = new byte[termBytes];
        in.readBytes(terms, 0, termBytes);
        try {
            book.obligationTerms.fromBytes(terms);
        } catch (java.io.IOException e) {
            throw new SnapshotException("snapshot book " + e.getMessage(), e);
        }
        if (book.lastSequence < 1 || book.lastEntryIndex < 0 || book.evictCursor < 1
                || book.evictCursor > book.lastSequence + 1 || book.lastClose > book.lastSequence) {
            throw new SnapshotException("snapshot book positions do not agree: last sequence " + book.lastSequence
                    + ", close " + book.lastClose + ", eviction cursor " + book.evictCursor);
        }
    }
}
