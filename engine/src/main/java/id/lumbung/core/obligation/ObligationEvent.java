package id.lumbung.core.obligation;

import java.time.LocalDate;

/** A journaled change of an obligation book, as {@link ObligationCodec} encodes it. */
public sealed interface ObligationEvent {
    /** The cooperative whose book it changes. */
    String coopId();

    /** A {@code PUT} that created an obligation, or an {@code obligations.csv} row journaled at start. */
    record Put(Obligation obligation) implements ObligationEvent {
        public Put {
            if (obligation.endDate() != null) {
                throw new IllegalArgumentException("a put carries terms only, not an end date");
            }
        }

        @Override
        public String coopId() {
            return obligation.coopId();
        }
    }

    /** An {@code .../end}. */
    record End(String coopId, String obligationId, LocalDate endDate) implements ObligationEvent {
    }
}
