package id.lumbung.core.payment;

import id.lumbung.core.journal.JournalEntry;
import id.lumbung.core.journal.JournalPort;
import id.lumbung.core.reference.JournaledReference;
import id.lumbung.core.reference.ReferenceData;
import java.util.Map;

/**
 * The reference in effect before a journal's first entry. A journal written with reference
 * entries starts with them: nothing is in effect before. A journal written before they existed
 * carries, from its first start with them, the baseline entries that record the reference then in
 * effect as in effect since its start; replay needs that baseline before its first payment, so it
 * is found by reading up to it. A journal with neither has never been started with reference
 * entries: its baseline is the files now, which the start then journals (an upgrade assumes the
 * files have not changed since those payments).
 *
 * @param reference the reference in effect before the first entry
 * @param mustJournal true when the baseline comes from the files and is not yet journaled
 */
public record ReferenceBaseline(JournaledReference reference, boolean mustJournal) {

    /**
     * @param files the reference files as read
     * @param feePlans the configured fee plans, name to tiers
     */
    public static ReferenceBaseline of(JournalPort journal, ReferenceData files, Map<String, String> feePlans) {
        JournaledReference found = new JournaledReference();
        boolean[] state = new boolean[3]; // [0] first entry seen, [1] baseline entries seen, [2] done
        journal.readFromStart(e -> {
            boolean reference = e.type == JournalEntry.TYPE_REFERENCE;
            if (!state[0]) {
                state[0] = true;
                if (reference && !e.refBaseline) {
                    state[2] = true; // a journal that starts with its reference: nothing before it
                    return;
                }
            }
            if (reference && e.refBaseline) {
                state[1] = true;
                found.apply(new JournaledReference.Edit(e.refKind, e.refOp, e.refId, e.refParent, e.refValue,
                        e.refBlocked), e.sequence, e.atEpochMs, true);
            } else if (state[1]) {
                state[2] = true; // the baseline's entries are consecutive: it has ended
            }
        }, () -> !state[2]);
        if (state[1]) {
            // the baseline's own entries are replayed in their place, where they enter the history
            return new ReferenceBaseline(found.withoutHistory(), false);
        }
        if (!state[0] || state[2]) {
            return new ReferenceBaseline(new JournaledReference(), false);
        }
        return new ReferenceBaseline(JournaledReference.baseline(files, feePlans), true);
    }
}
