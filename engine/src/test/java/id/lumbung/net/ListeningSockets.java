package id.lumbung.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses that this machine's TCP sockets in LISTEN state are bound to, read from
 * Linux's {@code /proc/net/tcp} and {@code /proc/net/tcp6}. A test sees what a port is bound to
 * without sending a packet anywhere but loopback: where a server listens is a fact of its socket,
 * not something to probe from another address.
 */
public final class ListeningSockets {
    /** The wildcard address in either family, as {@link #boundAddresses} names it. */
    public static final String ANY = "any";
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * The addresses the listening sockets on {@code port} are bound to, as dotted IPv4 text
     * ({@code 127.0.0.1}), {@link #ANY} for a wildcard (IPv4 {@code 0.0.0.0} or IPv6 {@code ::}),
     * or the IPv6 address's 32 hex digits; an IPv4-mapped IPv6 address reads as its IPv4 text.
     */
    public static List<String> boundAddresses(int port) throws IOException {
        List<String> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (f[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
                    out.add(address(local[0]));
                }
            }
        }
        return out;
    }

    /** The kernel writes each 32-bit word of the address in host (little-endian) byte order. */
    static String address(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + 3 - i) * 2;
                b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        boolean zero = true;
        for (byte x : b) {
            zero &= x == 0;
        }
        if (zero) {
            return ANY;
        }
        if (b.length == 4) {
            return dotted(b, 0);
        }
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped) {
            return dotted(b, 12);
        }
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    private static String dotted(byte[] b, int at) {
        return (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "." + (b[at + 3] & 0xff);
    }
}
