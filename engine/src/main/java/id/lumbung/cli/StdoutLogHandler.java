package id.lumbung.cli;

import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * Writes every log record to stdout in {@link LogLineFormatter}'s format, flushed per record so
 * that a line is out before the process could die. Named in {@code logging.properties}
 * ({@code handlers=id.lumbung.cli.StdoutLogHandler}); its {@code .level} property applies.
 * Closing it flushes and leaves stdout open: the JVM's shutdown resets the loggers while the
 * drain may still print.
 */
public final class StdoutLogHandler extends StreamHandler {
    public StdoutLogHandler() {
        super(System.out, new LogLineFormatter());
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
    }

    @Override
    public synchronized void close() {
        flush();
    }
}
