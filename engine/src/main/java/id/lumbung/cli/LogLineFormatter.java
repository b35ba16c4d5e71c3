package id.lumbung.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The one log format, for the engine's lines and the libraries' alike: one line per event,
 * {@code 2026-11-29T03:15:30.123Z level=INFO logger=id.lumbung.engine.Engine event=ready ...}: the
 * instant in UTC (ISO-8601, milliseconds), the java.util.logging level name, the logger, the
 * message. Line breaks inside a message are written as {@code \n} and {@code \r} so that an event
 * stays on its line; a throwable's stack trace follows on the lines after it.
 */
public final class LogLineFormatter extends Formatter {
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(200);
        INSTANT.formatTo(record.getInstant(), line);
        line.append(" level=").append(record.getLevel().getName());
        String logger = record.getLoggerName();
        line.append(" logger=").append(logger == null || logger.isEmpty() ? "-" : logger).append(' ');
        String message = formatMessage(record);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                line.append("\\n");
            } else if (c == '\r') {
                line.append("\\r");
            } else {
                line.append(c);
            }
        }
        line.append('\n');
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter out = new PrintWriter(trace)) {
                thrown.printStackTrace(out);
            }
            line.append(trace);
        }
        return line.toString();
    }
}
