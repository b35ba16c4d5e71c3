package id.lumbung.bench.settle;

import id.lumbung.settlement.Settlement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The split of each close as the settlement logs it ({@code event=window_closed ... duration_ms=
 * aggregate_ms= files_ms=}, the line {@code benchmarks/close-under-load.sh} reads from the engine's
 * log): aggregate is the settlement thread's pricing, obligation rule and ledger bookings; files is
 * the file phase (each batch's CSV, camt.053 and payouts files, and the close's ledger postings).
 * Read from the settlement's java.util.logging logger in this process, by close sequence.
 */
final class CloseSplit extends Handler {
    private static final Pattern LINE = Pattern.compile("event=window_closed close_sequence=(\\d+) .*duration_ms=(\\d+)"
            + " aggregate_ms=(\\d+) files_ms=(\\d+)");
    /** The settlement's logger (System.Logger names it by class; the JDK maps it to java.util.logging). */
    private static final Logger SETTLEMENT_LOG = Logger.getLogger(Settlement.class.getName());
    private static final SimpleFormatter FORMAT = new SimpleFormatter();

    /** One close's times as logged, ms. */
    record Split(long durationMs, long aggregateMs, long filesMs) {
    }

    private final Map<Long, Split> byClose = new ConcurrentHashMap<>();

    /** Listens to the settlement's log from now on; the logger is held so that its configuration stays. */
    static CloseSplit listen() {
        CloseSplit split = new CloseSplit();
        SETTLEMENT_LOG.addHandler(split);
        return split;
    }

    /** The split of the close at {@code closeSequence}, or null when the settlement logged none (a close not live). */
    Split of(long closeSequence) {
        return byClose.get(closeSequence);
    }

    /** The split a {@code window_closed} line gives, or null for any other line. */
    static Map.Entry<Long, Split> parse(String message) {
        Matcher m = LINE.matcher(message);
        if (!m.find()) {
            return null;
        }
        return Map.entry(Long.parseLong(m.group(1)),
                new Split(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (message == null || !message.contains("event=window_closed")) {
            return;
        }
        Map.Entry<Long, Split> e = parse(FORMAT.formatMessage(record));
        if (e != null) {
            byClose.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        SETTLEMENT_LOG.removeHandler(this);
    }
}
