package id.lumbung.payment;

/**
 * Idempotency keys (terminalId, txnId) to retained payments: a chained hash table whose chain links
 * live in the records themselves, so a lookup or insert allocates nothing. Journal writer thread only.
 *
 * <p>Memory: one table slot (4 or 8 bytes) per key plus the record; the table doubles at a load of
 * 0.75, so it costs at most about 16 bytes per retained key on top of the record.
 */
final class IdempotencyIndex {
    private PaymentRecord[] table = new PaymentRecord[1 << 16];
    private int size;

    /**
     * String hashes of structured ids (T0000001, 000123, ...) are close to linear in their digits, so
     * {@code 31 * a + b} collides in long runs; the golden-ratio multiply and the murmur3 finalizer
     * spread every input bit over the table index.
     */
    static int hash(String terminalId, String txnId) {
        int h = terminalId.hashCode() * 0x9E3779B9 + txnId.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    PaymentRecord get(String terminalId, String txnId) {
        PaymentRecord r = table[hash(terminalId, txnId) & (table.length - 1)];
        while (r != null) {
            if (r.request.txnId().equals(txnId) && r.request.terminalId().equals(terminalId)) {
                return r;
            }
            r = r.nextInBucket;
        }
        return null;
    }

    /** Inserts a record whose key is not present. */
    void put(PaymentRecord record) {
        if (size + 1 > table.length - (table.length >>> 2)) {
            grow();
        }
        int slot = hash(record.request.terminalId(), record.request.txnId()) & (table.length - 1);
        record.nextInBucket = table[slot];
        table[slot] = record;
        size++;
    }

    void remove(PaymentRecord record) {
        int slot = hash(record.request.terminalId(), record.request.txnId()) & (table.length - 1);
        PaymentRecord prev = null;
        for (PaymentRecord r = table[slot]; r != null; prev = r, r = r.nextInBucket) {
            if (r == record) {
                if (prev == null) {
                    table[slot] = r.nextInBucket;
                } else {
                    prev.nextInBucket = r.nextInBucket;
                }
                r.nextInBucket = null;
                size--;
                return;
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        PaymentRecord[] old = table;
        table = new PaymentRecord[old.length << 1];
        for (PaymentRecord head : old) {
            PaymentRecord r = head;
            while (r != null) {
                PaymentRecord next = r.nextInBucket;
                int slot = hash(r.request.terminalId(), r.request.txnId()) & (table.length - 1);
                r.nextInBucket = table[slot];
                table[slot] = r;
                r = next;
            }
        }
    }
}
