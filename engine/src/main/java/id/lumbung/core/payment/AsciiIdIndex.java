package id.lumbung.core.payment;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Reference ids (terminal or trader) found straight from their ASCII bytes in a journal entry, so
 * that replay neither builds a String per id nor chases a reference object to compare it: an
 * open-addressing table whose slots hold the id's position and the offset of its own copy of the
 * id's bytes in one flat array. A lookup touches the slot and those bytes: two cache lines,
 * where a HashMap of Strings costs four or five dependent misses at 100,000 ids.
 * Read-only after construction.
 */
final class AsciiIdIndex {
    /** Per slot: (offset of the id in {@link #bytes}) << 32 | position; -1 when empty. */
    private final long[] slots;
    /** Each id as a length byte and its bytes (ids that are not ASCII or longer than 255 are left out). */
    private final byte[] bytes;

    /**
     * @param count number of ids
     * @param idAt the id at a position 0..count-1
     */
    AsciiIdIndex(int count, IntFunction<String> idAt) {
        int capacity = Integer.highestOneBit(Math.max(16, count * 2 - 1)) << 1;
        slots = new long[capacity];
        Arrays.fill(slots, -1L);
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += 1 + idAt.apply(i).length();
        }
        bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, total)];
        int mask = capacity - 1;
        int at = 0;
        for (int i = 0; i < count; i++) {
            String id = idAt.apply(i);
            if (id.length() > 255 || !ascii(id)) {
                continue; // found by the String path instead
            }
            bytes[at] = (byte) id.length();
            for (int k = 0; k < id.length(); k++) {
                bytes[at + 1 + k] = (byte) id.charAt(k);
            }
            int h = hash(bytes, at + 1, id.length()) & mask;
            while (slots[h] != -1L) {
                h = (h + 1) & mask;
            }
            slots[h] = ((long) at << 32) | i;
            at += 1 + id.length();
        }
    }

    /** The position of the id spelled by {@code in[at..at+length)}, or -1 (also for non-ASCII bytes). */
    int find(byte[] in, int at, int length) {
        int mask = slots.length - 1;
        for (int s = hash(in, at, length) & mask; slots[s] != -1L; s = (s + 1) & mask) {
            int off = (int) (slots[s] >>> 32);
            if ((bytes[off] & 0xFF) == length && Arrays.equals(bytes, off + 1, off + 1 + length, in, at, at + length)) {
                return (int) slots[s];
            }
        }
        return -1;
    }

    /** FNV-1a and a finalizer. Non-ASCII input finds nothing: no stored id has such a byte. */
    private static int hash(byte[] b, int at, int length) {
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++) {
            h = (h ^ b[at + i]) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
