package id.lumbung.core.settlement;

import id.lumbung.core.obligation.PayoutLine;
import java.util.List;

/**
 * A closed settlement batch of one cooperative: every accepted, un-voided payment of that
 * cooperative between the previous window close and this one, by journal position.
 *
 * @param batchId at most 35 characters of {@code [A-Za-z0-9-]}; also the camt.053 statement id
 * @param coopId the cooperative
 * @param firstSequence the first journal sequence the batch covers (inclusive)
 * @param lastSequence the last journal sequence the batch covers (inclusive): the close entry
 * @param closedAtEpochMs when the window closed (the close entry's time)
 * @param members member lines sorted by {@code traderId}, only members with payments
 * @param payments total payments
 * @param grossRupiah total gross
 * @param feeRupiah total fee
 * @param netRupiah total net
 * @param openingBalanceRupiah the cooperative's closing balance after its previous batch, or 0
 * @param payouts one line per member, in the members' order: its net split into the obligations
 *     deducted and its payout (DESIGN.md, "Member obligations")
 */
public record Batch(
        String batchId,
        String coopId,
        long firstSequence,
        long lastSequence,
        long closedAtEpochMs,
        List<MemberTotals> members,
        long payments,
        long grossRupiah,
        long feeRupiah,
        long netRupiah,
        long openingBalanceRupiah,
        List<PayoutLine> payouts) {

    /** A batch of a cooperative whose members owe nothing: every payout is the member's net. */
    public Batch(String batchId, String coopId, long firstSequence, long lastSequence, long closedAtEpochMs,
            List<MemberTotals> members, long payments, long grossRupiah, long feeRupiah, long netRupiah,
            long openingBalanceRupiah) {
        this(batchId, coopId, firstSequence, lastSequence, closedAtEpochMs, members, payments, grossRupiah, feeRupiah,
                netRupiah, openingBalanceRupiah, undeducted(members));
    }

    private static List<PayoutLine> undeducted(List<MemberTotals> members) {
        List<PayoutLine> lines = new java.util.ArrayList<>(members.size());
        for (MemberTotals m : members) {
            lines.add(new PayoutLine(m.traderId(), m.netRupiah(), 0, 0, 0, m.netRupiah()));
        }
        return lines;
    }

    public Batch {
        members = List.copyOf(members);
        payouts = List.copyOf(payouts);
        if (payouts.size() != members.size()) {
            throw new IllegalStateException("batch " + batchId + " has " + members.size() + " members and "
                    + payouts.size() + " payout lines");
        }
        for (int i = 0; i < payouts.size(); i++) {
            PayoutLine l = payouts.get(i);
            MemberTotals m = members.get(i);
            if (!l.traderId().equals(m.traderId()) || l.netRupiah() != m.netRupiah()) {
                throw new IllegalStateException("payout line of " + l.traderId() + " in batch " + batchId
                        + " does not match member " + m.traderId() + " net " + m.netRupiah());
            }
        }
        long p = 0, g = 0, f = 0, n = 0;
        String previous = null;
        for (MemberTotals m : members) {
            if (previous != null && previous.compareTo(m.traderId()) >= 0) {
                throw new IllegalStateException("members not sorted by traderId in batch " + batchId);
            }
            previous = m.traderId();
            p += m.payments();
            g += m.grossRupiah();
            f += m.feeRupiah();
            n += m.netRupiah();
        }
        if (p != payments || g != grossRupiah || f != feeRupiah || n != netRupiah) {
            throw new IllegalStateException("control totals differ from member lines in batch " + batchId);
        }
    }

    /** The cooperative's balance after this batch: opening plus net. */
    public long closingBalanceRupiah() {
        return openingBalanceRupiah + netRupiah;
    }
}
