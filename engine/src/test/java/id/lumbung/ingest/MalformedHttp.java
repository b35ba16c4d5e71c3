package id.lumbung.ingest;

import id.lumbung.TestEngine;
import id.lumbung.reference.DemoCredentials;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * A seeded generator of malformed raw HTTP/1.1 requests for the terminal and ops ports. Case
 * {@code i} is of category {@code i % categories}, so every category is tried in any run of at
 * least that many cases; the variant and its numbers come from the seed. Each case carries the
 * signed payments it holds (each with its own txnId, hidden in a body or an excess or sent plainly),
 * so that a run can check which of them the engine journaled.
 */
final class MalformedHttp {
    /** The kinds of bad input, each named as in the results file. */
    enum Category {
        CL_AND_TE("content-length-and-transfer-encoding"),
        TE_NOT_CHUNKED("transfer-encoding-other-coding"),
        DUPLICATE_CL("duplicate-or-invalid-content-length"),
        DUPLICATE_HOST("duplicate-missing-or-invalid-host"),
        DUPLICATE_AUTH("duplicate-or-conflicting-auth-headers"),
        OVERSIZED_HEADER("oversized-single-header"),
        MANY_HEADERS("too-many-headers"),
        BAD_HEADER_BYTES("bare-cr-lf-nul-in-headers"),
        OBS_FOLD("obs-fold-continuation"),
        CHUNKED_VALID("chunked-with-extensions-and-trailers"),
        CHUNKED_INVALID("invalid-chunk-size-or-framing"),
        CHUNKED_NO_FINAL("chunked-missing-final-chunk"),
        BODY_SHORT("body-shorter-than-declared"),
        BODY_LONG("body-longer-than-declared"),
        METHOD("invalid-method"),
        TARGET_FORM("absolute-asterisk-authority-form"),
        PERCENT_PATH("percent-encoded-path"),
        LONG_PATH("very-long-path"),
        PIPELINED("pipelined-requests"),
        SLOWLORIS("slowloris-headers");

        final String label;

        Category(String label) {
            this.label = label;
        }
    }

    /** Which port a case is sent to. */
    enum Port { TERMINAL, OPS }

    /** Bytes to write after waiting {@code delayMs}. */
    record Segment(byte[] bytes, int delayMs) {
    }

    /** A signed payment a case carries; the run re-posts {@code body} at the end to learn whether it was journaled. */
    record Payment(String terminalId, String txnId, byte[] body) {
    }

    /**
     * One case: what to send, the most answers it may get (the reader half-closes after that many),
     * and the payments it holds. {@code refused}: the head is ambiguous (its body framing, its
     * {@code Host}, a repeated credential), and the server must answer exactly one {@code 400} and
     * close, serving nothing that follows (RFC 9112 sections 3.2 and 6.1). {@code otherMajorVersion}:
     * the request line is of another major version of HTTP, the one case answered {@code 505}.
     */
    record Case(int index, Category category, String variant, Port port, List<Segment> segments, int answersMax,
            List<Payment> payments, boolean refused, boolean otherMajorVersion) {
    }

    private static final String CRLF = "\r\n";
    private static final String[] TERMINALS = {"T0000001", "T0000002", "T0000003", "T0000004", "T0000005", "T0000006"};
    private final Random random;
    private final LongSupplier nowMs;
    private final String txnPrefix;
    private int index;

    /** @param nowMs the engine's clock, for fresh X-Timestamp values */
    MalformedHttp(long seed, LongSupplier nowMs) {
        this.random = new Random(seed);
        this.nowMs = nowMs;
        this.txnPrefix = "mf" + Long.toHexString(seed) + "-";
    }

    Case next() {
        int i = index++;
        Category c = Category.values()[i % Category.values().length];
        Builder b = new Builder(i, c);
        switch (c) {
            case CL_AND_TE -> clAndTe(b);
            case TE_NOT_CHUNKED -> teNotChunked(b);
            case DUPLICATE_CL -> duplicateCl(b);
            case DUPLICATE_HOST -> duplicateHost(b);
            case DUPLICATE_AUTH -> duplicateAuth(b);
            case OVERSIZED_HEADER -> oversizedHeader(b);
            case MANY_HEADERS -> manyHeaders(b);
            case BAD_HEADER_BYTES -> badHeaderBytes(b);
            case OBS_FOLD -> obsFold(b);
            case CHUNKED_VALID -> chunkedValid(b);
            case CHUNKED_INVALID -> chunkedInvalid(b);
            case CHUNKED_NO_FINAL -> chunkedNoFinal(b);
            case BODY_SHORT -> bodyShort(b);
            case BODY_LONG -> bodyLong(b);
            case METHOD -> method(b);
            case TARGET_FORM -> targetForm(b);
            case PERCENT_PATH -> percentPath(b);
            case LONG_PATH -> longPath(b);
            case PIPELINED -> pipelined(b);
            case SLOWLORIS -> slowloris(b);
            default -> throw new IllegalStateException("category " + c);
        }
        return b.build();
    }

    // ---- categories ----

    private static final String[] TE_CHUNKED_NAMES = {"Transfer-Encoding: ", "transfer-encoding: ", "Transfer-Encoding : ",
        "Transfer-Encoding:\t", "TRANSFER-ENCODING:", "Transfer-Encoding:  "};
    private static final String[] TE_VALUES = {"chunked", "Chunked", "CHUNKED", "chunked, identity", "identity, chunked",
        "gzip, chunked", "chunked, gzip", "gzip", "identity", "x-custom", "chunked;q=1", "chunked ", "chunked,", ",chunked",
        "chunked, chunked", "\"chunked\"", "xchunked"};

    /** Both Content-Length and Transfer-Encoding, in either order; the excess past one framing is a signed payment. */
    private void clAndTe(Builder b) {
        Payment outer = payment();
        Payment inner = payment();
        String te = pick(TE_CHUNKED_NAMES) + pick(TE_VALUES);
        byte[] chunked = chunkedBody(outer.body, false, false);
        byte[] innerRequest = request("POST", "/v1/payments", inner, null);
        boolean clCoversInner = random.nextBoolean();
        int cl = chunked.length + (clCoversInner ? innerRequest.length : 0);
        List<String> headers = authHeaders("POST", "/v1/payments", outer);
        if (random.nextBoolean()) {
            headers.add("Content-Length: " + cl);
            headers.add(te);
        } else {
            headers.add(te);
            headers.add("Content-Length: " + cl);
        }
        b.variant(te.trim() + (clCoversInner ? " cl=chunked+request" : " cl=chunked"));
        b.send(concat(head("POST", "/v1/payments", headers), chunked, innerRequest));
        b.payments(outer, inner).answersMax(2).refused();
    }

    /** A Transfer-Encoding whose last coding is not chunked (or is not a coding), without Content-Length; the body is a signed request. */
    private void teNotChunked(Builder b) {
        Payment outer = payment();
        Payment inner = payment();
        String value = pick(new String[] {"gzip", "identity", "chunked, gzip", "chunked, identity", "deflate", "x-custom", "", "\"chunked\""});
        List<String> headers = authHeaders("POST", "/v1/payments", outer);
        headers.add(pick(TE_CHUNKED_NAMES) + value);
        b.variant("TE: " + value);
        b.send(concat(head("POST", "/v1/payments", headers), request("POST", "/v1/payments", inner, null)));
        b.payments(outer, inner).answersMax(2).refused();
    }

    private void duplicateCl(Builder b) {
        Payment p = payment();
        int n = p.body.length;
        String[][] variants = {
            {"Content-Length: " + n, "Content-Length: " + n},
            {"Content-Length: " + n, "Content-Length: " + (n + 7)},
            {"Content-Length: " + (n - 7), "Content-Length: " + n},
            {"Content-Length: " + n + ", " + n},
            {"Content-Length: " + n + "," + (n + 1)},
            {"Content-Length: +" + n},
            {"Content-Length: -1"},
            {"Content-Length: 0x" + Integer.toHexString(n)},
            {"Content-Length: 00" + n},
            {"Content-Length: 99999999999999999999"},
            {"Content-Length: " + n + "abc"},
            {"Content-Length: "},
            {"Content-Length: " + n + " " + n},
        };
        int v = random.nextInt(variants.length);
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        for (String h : variants[v]) {
            headers.add(h);
        }
        b.variant(String.join(" | ", variants[v]));
        b.send(concat(head("POST", "/v1/payments", headers), p.body));
        b.payments(p).answersMax(2);
    }

    private void duplicateHost(Builder b) {
        Payment p = payment();
        String[][] variants = {{"Host: 127.0.0.1", "Host: 127.0.0.1"}, {"Host: 127.0.0.1", "Host: evil.example"}, {},
            {"Host: "}, {"Host: a b"}, {"Host: 127.0.0.1:99999"}, {"Host: [::1"}, {"Host: 127.0.0.1, evil.example"}};
        int v = random.nextInt(variants.length);
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.remove(0);
        for (String h : variants[v]) {
            headers.add(0, h);
        }
        headers.add("Content-Length: " + p.body.length);
        b.variant(variants[v].length == 0 ? "no Host" : String.join(" | ", variants[v]));
        b.send(concat(head("POST", "/v1/payments", headers), p.body));
        b.payments(p).answersMax(1);
        if (variants[v].length != 1) {
            b.refused();
        }
    }

    /** Two X-Terminal-Id, X-Timestamp or X-Signature lines, equal or different, the valid one first or second. */
    private void duplicateAuth(Builder b) {
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        String[] names = {"X-Terminal-Id", "X-Timestamp", "X-Signature"};
        int which = random.nextInt(names.length);
        String line = headers.stream().filter(h -> h.startsWith(names[which] + ":")).findFirst().orElseThrow();
        String other = switch (which) {
            case 0 -> "X-Terminal-Id: " + (p.terminalId.equals("T0000001") ? "T0000002" : "T0000001");
            case 1 -> "X-Timestamp: " + (nowMs.getAsLong() - 1000);
            default -> "X-Signature: " + "0".repeat(64);
        };
        String mode = pick(new String[] {"equal", "other-after", "other-before"});
        int at = headers.indexOf(line);
        switch (mode) {
            case "equal" -> headers.add(at + 1, line);
            case "other-after" -> headers.add(at + 1, other);
            default -> headers.add(at, other);
        }
        headers.add("Content-Length: " + p.body.length);
        b.variant(names[which] + " " + mode);
        b.send(concat(head("POST", "/v1/payments", headers), p.body));
        b.payments(p).answersMax(1).refused();
    }

    private void oversizedHeader(Builder b) {
        int size = 8_000 + random.nextInt(24_000);
        boolean ops = random.nextBoolean();
        b.port(ops ? Port.OPS : Port.TERMINAL).variant("one header of " + (size / 1000) + " KB" + (ops ? " (ops)" : ""));
        String head = (ops ? "GET /health/live" : "GET /v1/payments/P1") + " HTTP/1.1" + CRLF + "Host: 127.0.0.1" + CRLF
                + "X-Big: " + "b".repeat(size) + CRLF + CRLF;
        b.send(ascii(head)).answersMax(1);
    }

    private void manyHeaders(Builder b) {
        int count = 100 + random.nextInt(3000);
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        for (int i = 0; i < count; i++) {
            headers.add("X-H" + i + ": v");
        }
        headers.add("Content-Length: " + p.body.length);
        b.variant((count < 700 ? "under" : "over") + " the header size limit");
        b.send(concat(head("POST", "/v1/payments", headers), p.body)).payments(p).answersMax(1);
    }

    private static final String[] BAD_HEADERS = {"X-A: a\rb", "X-A: a\nb", "X-A: a\0b", "X-\0A: b", "X A: b", ": b", "X-A b",
        "X-A: \u0001", "X-A:\u007f", "\tX-A: b", "X-A: caf\u00e9", "X-Terminal-Id: T0000001\0"};

    private void badHeaderBytes(Builder b) {
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.add("Content-Length: " + p.body.length);
        String bad = pick(BAD_HEADERS);
        boolean lfOnly = random.nextInt(4) == 0;
        headers.add(1 + random.nextInt(headers.size() - 1), bad);
        b.variant(escape(bad) + (lfOnly ? " LF-terminated lines" : ""));
        String head = head("POST", "/v1/payments", headers);
        if (lfOnly) {
            head = head.replace(CRLF, "\n");
        }
        b.send(concat(latin1(head), p.body)).payments(p).answersMax(1);
    }

    private void obsFold(Builder b) {
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        String v = pick(new String[] {"note", "signature", "content-length", "transfer-encoding"});
        switch (v) {
            case "note" -> headers.add("X-Note: a" + CRLF + " b");
            case "signature" -> {
                int at = indexOf(headers, "X-Signature:");
                String sig = headers.get(at).substring("X-Signature: ".length());
                headers.set(at, "X-Signature: " + sig.substring(0, 32) + CRLF + " " + sig.substring(32));
            }
            case "content-length" -> headers.add("Content-Length:" + CRLF + " " + p.body.length);
            default -> headers.add("X-Note: a" + CRLF + "\tTransfer-Encoding: chunked");
        }
        if (!v.equals("content-length")) {
            headers.add("Content-Length: " + p.body.length);
        }
        b.variant("folded " + v);
        b.send(concat(head("POST", "/v1/payments", headers), p.body)).payments(p).answersMax(1);
    }

    private void chunkedValid(Builder b) {
        Payment p = payment();
        boolean ext = random.nextBoolean();
        boolean trailer = random.nextBoolean();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.add("Transfer-Encoding: chunked");
        b.variant((ext ? "extensions" : "plain") + (trailer ? " + trailer" : ""));
        b.send(concat(head("POST", "/v1/payments", headers), chunkedBody(p.body, ext, trailer))).payments(p).answersMax(1);
    }

    private static final String[] BAD_CHUNK_SIZES = {"g", "-1", "", " 5", "0x5", "ffffffffffffffffff", "7fffffffffffffff", "5 5",
        "1;", "\u00005"};

    private void chunkedInvalid(Builder b) {
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.add("Transfer-Encoding: chunked");
        int v = random.nextInt(3);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String first = Integer.toHexString(p.body.length / 2);
        body.writeBytes(ascii(first + CRLF));
        body.writeBytes(java.util.Arrays.copyOf(p.body, p.body.length / 2));
        String what;
        if (v == 0) {
            String size = pick(BAD_CHUNK_SIZES);
            body.writeBytes(latin1(CRLF + size + CRLF + "abcde" + CRLF + "0" + CRLF + CRLF));
            what = "size '" + escape(size) + "'";
        } else if (v == 1) {
            // a chunk's data not followed by CRLF
            body.writeBytes(ascii("XX" + Integer.toHexString(p.body.length - p.body.length / 2) + CRLF));
            what = "no CRLF after chunk data";
        } else {
            // the declared size is larger than what follows before the final chunk
            body.writeBytes(ascii(CRLF + "400" + CRLF + "abc" + CRLF + "0" + CRLF + CRLF));
            what = "size larger than its data";
        }
        b.variant(what);
        b.send(concat(head("POST", "/v1/payments", headers), body.toByteArray())).payments(p).answersMax(1);
    }

    private void chunkedNoFinal(Builder b) {
        Payment p = payment();
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.add("Transfer-Encoding: chunked");
        byte[] full = chunkedBody(p.body, false, false);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 5);
        b.variant("then silence");
        b.send(concat(head("POST", "/v1/payments", headers), cut)).payments(p).answersMax(1);
    }

    private void bodyShort(Builder b) {
        Payment p = payment();
        int missing = 1 + random.nextInt(p.body.length - 1);
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        headers.add("Content-Length: " + p.body.length);
        int v = random.nextInt(3);
        if (v == 0) {
            b.variant("body short by some bytes, then silence");
            b.send(concat(head("POST", "/v1/payments", headers), java.util.Arrays.copyOf(p.body, p.body.length - missing)));
        } else if (v == 1) {
            b.variant("head only, then silence");
            b.send(ascii(head("POST", "/v1/payments", headers)));
        } else {
            byte[] h = ascii(head("POST", "/v1/payments", headers));
            b.variant("head cut mid-line, then silence");
            b.send(java.util.Arrays.copyOf(h, 1 + random.nextInt(h.length - 3)));
        }
        b.payments(p).answersMax(1);
    }

    /** The excess past Content-Length is garbage, a signed payment request, or the declared length cuts the signed body. */
    private void bodyLong(Builder b) {
        Payment p = payment();
        Payment inner = payment();
        int v = random.nextInt(3);
        List<String> headers = authHeaders("POST", "/v1/payments", p);
        byte[] innerRequest = request("POST", "/v1/payments", inner, null);
        if (v == 0) {
            headers.add("Content-Length: " + p.body.length);
            b.variant("excess is garbage");
            b.send(concat(head("POST", "/v1/payments", headers), p.body, ascii("XYZ / NOPE" + CRLF + CRLF)));
            b.payments(p).answersMax(2);
        } else if (v == 1) {
            headers.add("Content-Length: " + p.body.length);
            b.variant("excess is a signed payment request");
            b.send(concat(head("POST", "/v1/payments", headers), p.body, innerRequest));
            b.payments(p, inner).answersMax(2);
        } else {
            int cut = 1 + random.nextInt(20);
            headers.add("Content-Length: " + (p.body.length - cut));
            b.variant("declared length cuts the body, a signed request follows");
            b.send(concat(head("POST", "/v1/payments", headers), p.body, innerRequest));
            b.payments(p, inner).answersMax(3);
        }
    }

    private static final String[] METHODS = {"get", "FOO", "CONNECT", "TRACE", "OPTIONS", "PATCH", "DELETE", "PUT", "G\u0001T",
        "GE T", "", "POST\0", "M".repeat(5000), "PRI"};

    private void method(Builder b) {
        String m = pick(METHODS);
        boolean ops = random.nextBoolean();
        b.port(ops ? Port.OPS : Port.TERMINAL);
        b.variant((m.length() > 20 ? "M x " + m.length() : "'" + escape(m) + "'") + (ops ? " (ops)" : ""));
        if (m.equals("PRI")) {
            b.send(ascii("PRI * HTTP/2.0" + CRLF + CRLF + "SM" + CRLF + CRLF)).otherMajorVersion = true;
        } else {
            b.send(latin1(m + " " + (ops ? "/health/live" : "/v1/payments") + " HTTP/1.1" + CRLF + "Host: 127.0.0.1" + CRLF
                    + "Content-Length: 0" + CRLF + CRLF));
        }
        b.answersMax(1);
    }

    private void targetForm(Builder b) {
        Payment p = payment();
        int v = random.nextInt(6);
        String target = switch (v) {
            case 0 -> "http://127.0.0.1/v1/payments";
            case 1 -> "http://127.0.0.1:8080/v1/payments?x=1";
            case 2 -> "*";
            case 3 -> "127.0.0.1:8080";
            case 4 -> "v1/payments";
            default -> "https://evil.example/v1/payments";
        };
        String method = v == 2 ? pick(new String[] {"OPTIONS", "POST", "GET"}) : v == 3 ? "CONNECT" : "POST";
        List<String> headers = authHeaders(method, "/v1/payments", p);
        headers.add("Content-Length: " + p.body.length);
        b.variant(method + " " + target);
        b.send(concat(head(method, target, headers), p.body)).payments(p).answersMax(1);
    }

    private static final String[] PERCENT_PATHS = {"/v1/%70ayments", "/v1/payments%2Fbatch", "/v1/payments/P%00", "/v1/payments/%ZZ",
        "/v1/payments/%", "/%2e%2e/v1/payments", "/v1/payments/%C0%AF", "/v1/coops/%2e%2e/settlements", "/v1/coops/KSP%00/settlements",
        "/v1/coops/%/accounts", "/v1/payments/P1/%76oid", "/v1/payments/P%30%30%31", "/v1/coops/KSP-BERINGHARJO/files/%2e%2e%2f%2e%2e%2fetc"};

    private void percentPath(Builder b) {
        String path = pick(PERCENT_PATHS);
        String method = path.startsWith("/v1/coops/") || !path.contains("void") && random.nextBoolean() ? "GET" : "POST";
        Payment p = payment();
        byte[] body = method.equals("GET") ? new byte[0] : p.body;
        List<String> headers = path.startsWith("/v1/coops/")
                ? new ArrayList<>(List.of("Host: 127.0.0.1", "Authorization: Bearer " + DemoCredentials.coopToken("KSP-BERINGHARJO")))
                : authHeaders(method, path, new Payment(p.terminalId, p.txnId, body));
        headers.add("Content-Length: " + body.length);
        b.variant(method + " " + path);
        b.send(concat(head(method, path, headers), body));
        if (body.length > 0) {
            b.payments(p);
        }
        b.answersMax(1);
    }

    private void longPath(Builder b) {
        int length = pick(new int[] {1000, 4000, 4060, 4070, 4080, 4090, 4100, 5000, 65_000});
        boolean ops = random.nextBoolean();
        String prefix = ops ? "/health/" : pick(new String[] {"/v1/payments/P", "/v1/coops/", "/x"});
        String path = prefix + "9".repeat(Math.max(1, length - prefix.length()));
        b.port(ops ? Port.OPS : Port.TERMINAL).variant("path of " + length + " bytes" + (ops ? " (ops)" : ""));
        b.send(ascii("GET " + path + " HTTP/1.1" + CRLF + "Host: 127.0.0.1" + CRLF + CRLF)).answersMax(1);
    }

    private void pipelined(Builder b) {
        int k = 2 + random.nextInt(7);
        int bad = random.nextInt(3) == 0 ? random.nextInt(k) : -1;
        boolean badSignature = random.nextBoolean();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Payment> payments = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Payment p = payment();
            payments.add(p);
            if (i == bad && badSignature) {
                all.writeBytes(request("POST", "/v1/payments", p, "X-Signature: " + "f".repeat(64)));
            } else if (i == bad) {
                all.writeBytes(ascii("NOT A REQUEST" + CRLF + CRLF));
            } else {
                all.writeBytes(request("POST", "/v1/payments", p, null));
            }
        }
        b.variant(k + " requests" + (bad < 0 ? "" : badSignature ? ", one badly signed" : ", one unreadable"));
        b.send(all.toByteArray()).payments(payments.toArray(new Payment[0])).answersMax(k);
    }

    private void slowloris(Builder b) {
        Payment p = payment();
        int delayMs = 2 + random.nextInt(10);
        byte[] head = ascii(head("POST", "/v1/payments", withLength(authHeaders("POST", "/v1/payments", p), p)));
        for (byte x : head) {
            b.segments.add(new Segment(new byte[] {x}, delayMs));
        }
        b.segments.add(new Segment(p.body, delayMs));
        b.variant("one byte every " + delayMs + " ms");
        b.payments(p).answersMax(1);
    }

    // ---- request pieces ----

    /** A fresh signed payment of a random active demo terminal, with this generator's txnId. */
    Payment payment() {
        String terminal = pick(TERMINALS);
        String txnId = txnPrefix + index + "-" + random.nextInt(1_000_000_000);
        String body = TestEngine.payment(terminal, txnId, Integer.toString(1000 + random.nextInt(100_000)));
        return new Payment(terminal, txnId, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A complete, valid, signed request for the payment, with one header line added if given. */
    byte[] request(String method, String path, Payment p, String extra) {
        List<String> headers = withLength(authHeaders(method, path, p), p);
        if (extra != null) {
            headers.removeIf(h -> h.startsWith(extra.substring(0, extra.indexOf(':') + 1)));
            headers.add(extra);
        }
        return concat(ascii(head(method, path, headers)), p.body);
    }

    private static List<String> withLength(List<String> headers, Payment p) {
        headers.add("Content-Length: " + p.body.length);
        return headers;
    }

    /** Host, the three authentication headers for the payment's body, and the JSON media type. */
    List<String> authHeaders(String method, String path, Payment p) {
        String now = Long.toString(nowMs.getAsLong());
        List<String> h = new ArrayList<>();
        h.add("Host: 127.0.0.1");
        h.add("X-Terminal-Id: " + p.terminalId);
        h.add("X-Timestamp: " + now);
        h.add("X-Signature: " + TerminalAuth.sign(DemoCredentials.terminalKey(p.terminalId), method, path, now, p.body));
        h.add("Content-Type: application/json");
        return h;
    }

    private static String head(String method, String target, List<String> headers) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1").append(CRLF);
        for (String h : headers) {
            sb.append(h).append(CRLF);
        }
        return sb.append(CRLF).toString();
    }

    private byte[] chunkedBody(byte[] body, boolean extensions, boolean trailer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + random.nextInt(body.length));
            String size = random.nextBoolean() ? Integer.toHexString(n) : "00" + Integer.toHexString(n).toUpperCase(java.util.Locale.ROOT);
            out.writeBytes(ascii(size + (extensions && random.nextBoolean() ? ";ext=" + random.nextInt(99) + ";flag" : "") + CRLF));
            out.write(body, at, n);
            out.writeBytes(ascii(CRLF));
            at += n;
        }
        out.writeBytes(ascii("0" + (extensions ? ";last" : "") + CRLF + (trailer ? "X-Trailer: t" + CRLF : "") + CRLF));
        return out.toByteArray();
    }

    private static int indexOf(List<String> headers, String prefix) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalArgumentException(prefix);
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private int pick(int[] options) {
        return options[random.nextInt(options.length)];
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One byte per char (the bad bytes are sent as they are). */
    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(String head, byte[] body) {
        return concat(ascii(head), body);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] concat(String head, byte[] body, byte[] more) {
        return concat(ascii(head), body, more);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Collects one case. */
    private static final class Builder {
        final int index;
        final Category category;
        String variant = "";
        Port port = Port.TERMINAL;
        final List<Segment> segments = new ArrayList<>();
        int answersMax = 1;
        final List<Payment> payments = new ArrayList<>();
        boolean refused;
        boolean otherMajorVersion;

        Builder(int index, Category category) {
            this.index = index;
            this.category = category;
        }

        Builder variant(String v) {
            variant = v;
            return this;
        }

        Builder port(Port p) {
            port = p;
            return this;
        }

        Builder send(byte[] bytes) {
            segments.add(new Segment(bytes, 0));
            return this;
        }

        Builder answersMax(int n) {
            answersMax = n;
            return this;
        }

        Builder payments(Payment... ps) {
            payments.addAll(List.of(ps));
            return this;
        }

        Builder refused() {
            refused = true;
            return this;
        }

        Case build() {
            // a refused head must be closed by the server: the reader waits for a second answer rather than half-closing
            int most = refused ? Math.max(answersMax, 2) : answersMax;
            return new Case(index, category, variant, port, List.copyOf(segments), most, List.copyOf(payments), refused,
                    otherMajorVersion);
        }
    }
}
