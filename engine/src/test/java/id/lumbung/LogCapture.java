package id.lumbung;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects every record of every logger, formatted, with stack traces: {@link #onRootLogger()} opens
 * the root logger and the engine's own ({@code id.lumbung}, whose level an earlier test in the JVM
 * may have set) to every level and adds the capture, {@link #detach()} takes it off and puts both
 * levels back.
 */
public final class LogCapture extends Handler {
    private final StringBuilder text = new StringBuilder();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();
    private final Logger engine = Logger.getLogger("id.lumbung");
    private final Level engineLevel = engine.getLevel();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** A capture added to the root logger, which logs at every level until {@link #detach()}. */
    public static LogCapture onRootLogger() {
        LogCapture capture = new LogCapture();
        capture.root.setLevel(Level.ALL);
        capture.engine.setLevel(Level.ALL);
        capture.root.addHandler(capture);
        return capture;
    }

    /** Takes the capture off the root logger and gives both loggers their levels back. */
    public void detach() {
        root.removeHandler(this);
        root.setLevel(rootLevel);
        engine.setLevel(engineLevel);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        text.append(formatter.format(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Everything captured so far. */
    public synchronized String text() {
        return text.toString();
    }
}
