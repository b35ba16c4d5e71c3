package id.lumbung.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends one {@link MalformedHttp.Case} on its own connection to 127.0.0.1 and records what came
 * back: the status of each answer, the 201 answers' payment ids, and how the connection ended.
 * After the case's most answers it half-closes, so that any further answer (a smuggled request's)
 * is still read; a read that waits longer than {@code readTimeoutMs} is a hang.
 */
final class MalformedHttpRunner {
    /** How a connection ended. */
    enum End {
        /** The server closed it (end of stream), by itself or after the client's half-close. */
        CLOSED,
        /** The server reset it. */
        RESET,
        /** Nothing for {@code readTimeoutMs}: the server neither answered nor closed. */
        TIMEOUT,
        /** The server answered something that is not HTTP/1.x. */
        NOT_HTTP
    }

    /**
     * One case's result. {@code closeMs}: from the last byte sent to the end of the connection;
     * {@code halfClosed}: the client half-closed after {@code answersMax} answers.
     */
    record Outcome(MalformedHttp.Case c, List<Integer> statuses, List<String> paymentIds, End end, long closeMs,
            boolean halfClosed) {
        /**
         * The outcome as recorded: the answers' statuses in order, a run of equal ones as
         * {@code 201x3}, then how it ended, e.g. {@code 400 closed}, {@code 201x2 401 201 closed}.
         */
        String label() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < statuses.size();) {
                int j = i;
                while (j < statuses.size() && statuses.get(j).equals(statuses.get(i))) {
                    j++;
                }
                sb.append(statuses.get(i)).append(j - i > 1 ? "x" + (j - i) : "").append(' ');
                i = j;
            }
            if (statuses.isEmpty()) {
                sb.append("no-answer ");
            }
            return sb.append(end.name().toLowerCase(Locale.ROOT).replace('_', '-')).toString();
        }
    }

    private static final Pattern PAYMENT_ID = Pattern.compile("\"paymentId\":\"([^\"]+)\"");
    private final int terminalPort;
    private final int opsPort;
    private final int readTimeoutMs;

    MalformedHttpRunner(int terminalPort, int opsPort, int readTimeoutMs) {
        this.terminalPort = terminalPort;
        this.opsPort = opsPort;
        this.readTimeoutMs = readTimeoutMs;
    }

    Outcome run(MalformedHttp.Case c) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", c.port() == MalformedHttp.Port.OPS ? opsPort : terminalPort)) {
            socket.setSoTimeout(readTimeoutMs);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                for (MalformedHttp.Segment s : c.segments()) {
                    if (s.delayMs() > 0) {
                        Thread.sleep(s.delayMs());
                    }
                    out.write(s.bytes());
                    out.flush();
                }
            } catch (SocketException e) {
                // the server closed while the case was still sending (a refused head of a large case): read what it said
            }
            long sentNs = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            boolean halfClosed = false;
            End end;
            try {
                while (true) {
                    if (statuses.size() >= c.answersMax() && !halfClosed) {
                        socket.shutdownOutput();
                        halfClosed = true;
                    }
                    Answer a = read(in);
                    if (a == null) {
                        end = End.CLOSED;
                        break;
                    }
                    if (a.status < 0) {
                        end = End.NOT_HTTP;
                        break;
                    }
                    if (a.status < 200) {
                        continue;
                    }
                    statuses.add(a.status);
                    if (a.status == 201) {
                        Matcher m = PAYMENT_ID.matcher(a.body);
                        ids.add(m.find() ? m.group(1) : "?");
                    }
                }
            } catch (SocketTimeoutException e) {
                end = End.TIMEOUT;
            } catch (SocketException e) {
                end = End.RESET;
            }
            return new Outcome(c, statuses, ids, end, (System.nanoTime() - sentNs) / 1_000_000, halfClosed);
        }
    }

    /** An answer: status (-1 when not HTTP/1.x) and body text. */
    private record Answer(int status, String body) {
    }

    /** The next answer, or null at the end of the stream before its first byte. */
    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in, true);
        if (statusLine == null) {
            return null;
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            return new Answer(-1, statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(h.substring(colon + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new SocketException("answer body ended after " + body.length + " of " + length + " bytes");
        }
        return new Answer(status, new String(body, StandardCharsets.UTF_8));
    }

    /** A line without its CRLF; null at the end of the stream before the first byte when {@code first}. */
    private static String line(InputStream in, boolean first) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 16_384; i++) {
            int c = in.read();
            if (c < 0) {
                if (first && b.size() == 0) {
                    return null;
                }
                throw new SocketException("answer cut mid-line after: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
