package id.lumbung.bench.load;

import id.lumbung.ingest.TerminalAuth;
import id.lumbung.reference.DemoCredentials;
import id.lumbung.web.RequestTimestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class WrkRequestsTest {
    private static final Pattern TXN = Pattern.compile("\"txnId\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    /** One request as read back from a file the way replay.lua reads it: length line, then bytes. */
    record Sent(String head, byte[] body) {
        String header(String name) {
            Matcher m = Pattern.compile("\r\n" + name + ": ([^\r]*)\r\n").matcher(head);
            assertThat(m.find()).as(name).isTrue();
            return m.group(1);
        }
    }

    @Test
    void singleRequestsAreSignedAsTheEngineChecksWithUniqueTxnIdsAndTerminalsInTurn() throws IOException {
        assertThat(new CommandLine(new WrkRequests()).execute("--out", dir.toString(), "--requests", "7", "--threads", "2",
                "--terminals", "3", "--run-id", "r1")).isZero();
        List<Sent> t0 = read(dir.resolve("requests-0.txt"));
        List<Sent> t1 = read(dir.resolve("requests-1.txt"));
        assertThat(t0).hasSize(4);
        assertThat(t1).hasSize(3);
        // global request k = j * threads + t comes from terminal k mod 3
        assertThat(t0.stream().map(s -> s.header("X-Terminal-Id"))).containsExactly("T0000001", "T0000003", "T0000002", "T0000001");
        assertThat(t1.stream().map(s -> s.header("X-Terminal-Id"))).containsExactly("T0000002", "T0000001", "T0000003");
        Set<String> txnIds = new HashSet<>();
        for (Sent s : concat(t0, t1)) {
            assertThat(s.head()).startsWith("POST /v1/payments HTTP/1.1\r\n").endsWith("\r\n\r\n");
            verify(s, "/v1/payments");
            Matcher m = TXN.matcher(new String(s.body(), StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            txnIds.add(m.group(1));
            assertThat(new String(s.body(), StandardCharsets.UTF_8)).contains("\"terminalId\":\"" + s.header("X-Terminal-Id") + "\"");
        }
        assertThat(txnIds).hasSize(7);
    }

    @Test
    void batchRequestsCarryBatchSizePaymentsOfTheSigningTerminal() throws IOException {
        assertThat(new CommandLine(new WrkRequests()).execute("--out", dir.toString(), "--mode", "batch", "--batch-size", "3",
                "--requests", "4", "--threads", "2", "--run-id", "b2")).isZero();
        Set<String> txnIds = new HashSet<>();
        for (Sent s : concat(read(dir.resolve("requests-0.txt")), read(dir.resolve("requests-1.txt")))) {
            assertThat(s.head()).startsWith("POST /v1/payments/batch HTTP/1.1\r\n");
            verify(s, "/v1/payments/batch");
            String body = new String(s.body(), StandardCharsets.UTF_8);
            assertThat(body).startsWith("{\"payments\":[");
            Matcher m = TXN.matcher(body);
            int items = 0;
            while (m.find()) {
                items++;
                txnIds.add(m.group(1));
            }
            assertThat(items).isEqualTo(3);
        }
        assertThat(txnIds).hasSize(12);
    }

    private static void verify(Sent s, String path) {
        String terminalId = s.header("X-Terminal-Id");
        assertThat(Long.parseLong(s.header("Content-Length"))).isEqualTo(s.body().length);
        assertThat(RequestTimestamp.fresh(s.header("X-Timestamp"), System.currentTimeMillis())).isTrue();
        assertThat(s.header("X-Signature")).isEqualTo(TerminalAuth.sign(DemoCredentials.terminalKey(terminalId), "POST", path,
                s.header("X-Timestamp"), s.body()));
    }

    private static List<Sent> read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int pos = 0;
        int nl = indexOf(all, pos);
        long count = Long.parseLong(new String(all, pos, nl - pos, StandardCharsets.US_ASCII));
        pos = nl + 1;
        List<Sent> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            nl = indexOf(all, pos);
            int length = Integer.parseInt(new String(all, pos, nl - pos, StandardCharsets.US_ASCII));
            pos = nl + 1;
            String request = new String(all, pos, length, StandardCharsets.ISO_8859_1);
            int split = request.indexOf("\r\n\r\n") + 4;
            out.add(new Sent(request.substring(0, split), request.substring(split).getBytes(StandardCharsets.ISO_8859_1)));
            pos += length;
        }
        assertThat(pos).as("nothing after the last request").isEqualTo(all.length);
        return out;
    }

    private static int indexOf(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        throw new AssertionError("no newline after " + from);
    }

    private static List<Sent> concat(List<Sent> a, List<Sent> b) {
        List<Sent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
