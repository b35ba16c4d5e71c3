package id.lumbung.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange over a plain socket, so that a test sees the answer's bytes as they cross
 * the wire: its status line and header lines in order and case, and its body. The answer is framed
 * by its own headers, never by the connection closing.
 */
final class RawHttp {
    private static final int READ_TIMEOUT_MS = 5_000;

    /** An answer: the status line and header lines as received, and the body (de-chunked when chunked). */
    record Answer(String statusLine, List<String> headerLines, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        /** The value of the first header of that name (any case), or null. */
        String header(String name) {
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    /** A request's bytes: the request line, the header lines as given, then the body (framed by the caller's headers). */
    static byte[] request(String method, String target, List<String> headerLines, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A body in the chunked transfer coding, in chunks of {@code chunkBytes}. */
    static byte[] chunked(byte[] body, int chunkBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunkBytes) {
            int n = Math.min(chunkBytes, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Sends {@code request} to 127.0.0.1:{@code port} and reads one answer ({@code headRequest}: no body follows). */
    static Answer exchange(int port, byte[] request, boolean headRequest) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            List<String> lines = new ArrayList<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                lines.add(line);
            }
            String statusLine = lines.remove(0);
            Answer head = new Answer(statusLine, lines, new byte[0]);
            int status = head.status();
            if (headRequest || status < 200 || status == 204 || status == 304) {
                return head;
            }
            String length = head.header("Content-Length");
            String coding = head.header("Transfer-Encoding");
            byte[] body;
            if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = dechunk(in);
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length));
            } else {
                body = in.readAllBytes();
            }
            return new Answer(statusLine, lines, body);
        }
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailer fields: none expected, skipped to the blank line
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(n));
            line(in);
        }
    }

    /** One line up to CRLF, without it; the answer must not end before the line does. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed mid-line: " + line);
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
    }
}
