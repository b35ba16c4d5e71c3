package id.lumbung.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;

/**
 * The HTTP/1.x request-line rules of the terminal and ops ports, ahead of Vert.x's own: Vert.x
 * serves only the exact versions 1.0 and 1.1 and answers any other an empty {@code 501}, a 5xx for
 * what a client sent. Here (RFC 9112 section 2.3, RFC 9110 section 15.6.6):
 * <ul>
 * <li>{@code HTTP/1.x} with x of 2 or more is served as HTTP/1.1 (the highest minor version of the
 * major version it implements);
 * <li>another major version of HTTP ({@code HTTP/0.9}, {@code HTTP/2.0}, ...) is {@code 505};
 * <li>anything else ({@code FOO/1.1}, {@code HTTP/1.10}, a line Netty cannot read) is {@code 400};
 * a request line or headers over their limits keep their own status, {@code 414} and {@code 431}.
 * </ul>
 * Each is answered with a problem document, and the connection is closed after it.
 *
 * <p>A request's head must say one thing: field names that are tokens, one {@code Host} (RFC 9112 section 3.2), each terminal
 * credential ({@code X-Terminal-Id}, {@code X-Timestamp}, {@code X-Signature}) at most once, and
 * the body's framing unambiguous (RFC 9112 section 6): a {@code Transfer-Encoding}
 * is accepted only as one field line of exactly {@code chunked}, in HTTP/1.1, without
 * {@code Content-Length}. Anything else with a {@code Transfer-Encoding} ({@code chunked} together
 * with {@code Content-Length}, {@code gzip}, {@code chunked, identity}, two lines, HTTP/1.0) is
 * {@code 400} and the connection is closed; what follows it on the connection is never read as a
 * request, since the client and any proxy before it may disagree on where the body ends. Netty
 * alone would serve {@code chunked} with {@code Content-Length} by the chunks and go on reading
 * the connection, and a body without a chunked coding as empty, reading the body as the next
 * request. The check runs in Vert.x's own request decoder, subclassed ({@link FramingDecoder};
 * {@code VertxHttpRequestDecoder} is Vert.x's internal API, 5.0.7), where the headers are whole
 * and {@code Content-Length} not yet dropped; the ports serve no h2c ({@link #options}) so that
 * the decoder is replaced before it reads a byte.
 *
 * <p>The version is rewritten in the Netty pipeline, just before Vert.x's handler: Vert.x reads a
 * request's version by identity with Netty's two constants, and answers other versions before any
 * handler the server can set. Refused versions become a failed decoder result, which Vert.x hands
 * to the server's invalid-request handler ({@link #answerInvalid}). The pipeline is reached through
 * Vert.x's {@code ConnectionBase} (internal API, 5.0.7); {@code HttpProtocolTest} fails if the
 * handler is not in place. Event loop only.
 */
public final class HttpProtocol {
    /** The pipeline name of the version handler. */
    static final String HANDLER_NAME = "lumbung-http-version";
    /** Vert.x's name for its HTTP/1.x request decoder in the pipeline (5.0.7). */
    static final String DECODER_NAME = "httpDecoder";
    private static final VersionHandler VERSION_HANDLER = new VersionHandler();

    private HttpProtocol() {
    }

    /**
     * For a server's connection handler: puts the version handler before the connection's own,
     * and replaces Vert.x's request decoder by a {@link FramingDecoder} made with the server's
     * {@code options} (Vert.x calls the connection handler before the connection reads its first
     * request; {@code HttpProtocolTest} fails if either is not in place).
     */
    public static void guard(HttpConnection connection, HttpServerOptions options) {
        if (options.isHttp2ClearTextEnabled()) {
            // with h2c Vert.x makes the connection on its first request, mid-decode: the decoder cannot be replaced then
            throw new IllegalStateException("HTTP/1.x ports are served with h2c off (HttpProtocol.options)");
        }
        if (connection instanceof ConnectionBase base) {
            ChannelHandlerContext ctx = base.channelHandlerContext();
            if (ctx.pipeline().get(HANDLER_NAME) == null) {
                ctx.pipeline().addBefore(ctx.name(), HANDLER_NAME, VERSION_HANDLER);
            }
            if (ctx.pipeline().get(DECODER_NAME) instanceof VertxHttpRequestDecoder decoder && !(decoder instanceof FramingDecoder)) {
                ctx.pipeline().replace(DECODER_NAME, DECODER_NAME, new FramingDecoder(options));
            }
        }
    }

    /**
     * The options every HTTP/1.x port of the engine starts from: no h2c (neither prior knowledge
     * nor the {@code Upgrade: h2c} of an HTTP/1.1 request), so that Vert.x makes each connection,
     * and calls the connection handler ({@link #guard}), before it reads a byte. An HTTP/2 preface
     * is then an HTTP/1 request line of version 2.0, answered {@code 505}.
     */
    public static HttpServerOptions options() {
        return new HttpServerOptions().setHttp2ClearTextEnabled(false);
    }

    /**
     * A server's invalid-request handler: answers the request Netty or {@link #guard} refused (see
     * {@link #answer}).
     */
    public static void answerInvalid(HttpServerRequest req) {
        answer(req, problemOf(req));
    }

    /** The problem of a request Netty or {@link #guard} refused, from its decoder result. */
    public static Problem problemOf(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof UnsupportedVersion) {
            return Problem.HTTP_VERSION_NOT_SUPPORTED;
        }
        if (cause instanceof TooLongHttpLineException) {
            return Problem.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Problem.HEADERS_TOO_LARGE;
        }
        return Problem.MALFORMED_REQUEST;
    }

    /**
     * Answers a refused request with the problem's status and document, then closes the connection
     * (what follows the refused request on it cannot be framed).
     */
    public static void answer(HttpServerRequest req, Problem problem) {
        String detail = switch (problem) {
            case HTTP_VERSION_NOT_SUPPORTED -> "only HTTP/1.x is served on this port";
            case URI_TOO_LONG -> "request line longer than the limit";
            case HEADERS_TOO_LARGE -> "request headers larger than the limit";
            default -> req.decoderResult().cause() instanceof FieldRefusal refusal ? refusal.getMessage()
                    : "request line or headers cannot be read, or the version is not HTTP/DIGIT.DIGIT";
        };
        req.response().setStatusCode(problem.status).putHeader("Content-Type", "application/problem+json")
                .putHeader("Connection", "close").end(problem.json(detail))
                .onComplete(done -> req.connection().close());
    }

    /** Rewrites or refuses each request's version before Vert.x reads it; stateless, so one instance serves every pipeline. */
    @ChannelHandler.Sharable
    private static final class VersionHandler extends ChannelInboundHandlerAdapter {
        /** The grammar's versions have one digit each: {@code HTTP-version = "HTTP/" DIGIT "." DIGIT}. */
        private static final int DIGIT_MAX = 9;
        private static final UnsupportedVersion UNSUPPORTED = new UnsupportedVersion();
        private static final MalformedVersion MALFORMED = new MalformedVersion();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                HttpVersion v = req.protocolVersion();
                if (req.decoderResult().isFailure()) {
                    // Netty marks a request it could not read as HTTP/1.0; the answer is the server's version
                    req.setProtocolVersion(HttpVersion.HTTP_1_1);
                } else if (v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
                    req.setProtocolVersion(v.majorVersion() == 1 && v.minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
                    if (malformed(v)) {
                        req.setDecoderResult(DecoderResult.failure(MALFORMED));
                    } else if (v.majorVersion() != 1) {
                        req.setDecoderResult(DecoderResult.failure(UNSUPPORTED));
                    }
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static boolean malformed(HttpVersion v) {
            return !"HTTP".equals(v.protocolName()) || v.majorVersion() > DIGIT_MAX || v.minorVersion() > DIGIT_MAX;
        }

        /** Whether {@link #channelRead} refuses a request of this version (as the request's decoder read it). */
        static boolean refuses(HttpVersion v) {
            return v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0 && (malformed(v) || v.majorVersion() != 1);
        }
    }

    /**
     * Vert.x's request decoder, refusing a head that does not say one thing (see the class
     * comment): the request is marked failed with no body, and every byte after it on the
     * connection is dropped unread, as after a request of a version the version handler refuses
     * (the connection is closed after the answer; nothing behind a refused head is answered).
     * One per connection.
     */
    static final class FramingDecoder extends VertxHttpRequestDecoder {
        private static final AsciiString X_TERMINAL_ID = AsciiString.cached("x-terminal-id");
        private static final AsciiString X_TIMESTAMP = AsciiString.cached("x-timestamp");
        private static final AsciiString X_SIGNATURE = AsciiString.cached("x-signature");
        private boolean refused;

        FramingDecoder(HttpServerOptions options) {
            super(options);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            // called once the head is read, before the body's framing is chosen
            if (msg instanceof HttpRequest req && !req.decoderResult().isFailure()) {
                if (VersionHandler.refuses(req.protocolVersion())) {
                    // the version handler refuses it next; what follows on the connection is not read
                    refused = true;
                    return true;
                }
                FieldRefusal refusal = refusal(req);
                if (refusal != null) {
                    req.setDecoderResult(DecoderResult.failure(refusal));
                    refused = true;
                    return true;
                }
            }
            return super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (refused) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            super.decode(ctx, buffer, out);
        }

        /**
         * Why the head is refused, or null. One pass over the field lines: each name a token
         * (the decoder Vert.x configures does not validate names, and keeps an empty one), {@code Host} once (at
         * most once in HTTP/1.0, RFC 9112 section 3.2), each terminal credential at most once (a
         * singleton field repeated is not one value; which of them a proxy or the engine would
         * use is a guess), and the body's framing.
         */
        private static FieldRefusal refusal(HttpRequest req) {
            int hosts = 0;
            int terminalIds = 0;
            int timestamps = 0;
            int signatures = 0;
            int codings = 0;
            boolean length = false;
            for (java.util.Iterator<java.util.Map.Entry<CharSequence, CharSequence>> it = req.headers().iteratorCharSequence(); it.hasNext();) {
                CharSequence name = it.next().getKey();
                if (!token(name)) {
                    return FieldRefusal.NAME_NOT_TOKEN;
                }
                // by length first: most field lines of a request are none of these, and are passed at one comparison
                switch (name.length()) {
                    case 4 -> hosts += AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST) ? 1 : 0;
                    case 17 -> codings += AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING) ? 1 : 0;
                    case 14 -> length |= AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH);
                    case 13 -> terminalIds += AsciiString.contentEqualsIgnoreCase(name, X_TERMINAL_ID) ? 1 : 0;
                    case 11 -> {
                        timestamps += AsciiString.contentEqualsIgnoreCase(name, X_TIMESTAMP) ? 1 : 0;
                        signatures += AsciiString.contentEqualsIgnoreCase(name, X_SIGNATURE) ? 1 : 0;
                    }
                    default -> { }
                }
            }
            // 1.1 and the later minor versions served as 1.1 (the version handler comes after the decoder)
            boolean http11 = req.protocolVersion().majorVersion() == 1 && req.protocolVersion().minorVersion() >= 1;
            if (hosts > 1 || hosts == 0 && http11) {
                return FieldRefusal.HOST_NOT_ONCE;
            }
            if (terminalIds > 1 || timestamps > 1 || signatures > 1) {
                return FieldRefusal.CREDENTIAL_REPEATED;
            }
            if (codings > 0 && (codings > 1 || length || !http11
                    || !req.headers().get(HttpHeaderNames.TRANSFER_ENCODING).trim().equalsIgnoreCase("chunked"))) {
                return FieldRefusal.AMBIGUOUS_FRAMING;
            }
            return null;
        }
    }

    /** RFC 9110 section 5.1: a field name is a token, one or more of {@code tchar}. */
    static boolean token(CharSequence name) {
        if (name.length() == 0) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** A head refused for its field lines, with the answer's detail (a constant: no stack trace, nothing of the request). */
    private static final class FieldRefusal extends RuntimeException {
        static final FieldRefusal AMBIGUOUS_FRAMING = new FieldRefusal(
                "Transfer-Encoding is accepted only as chunked alone, in HTTP/1.1, without Content-Length");
        static final FieldRefusal HOST_NOT_ONCE = new FieldRefusal("an HTTP/1.1 request has exactly one Host field, HTTP/1.0 at most one");
        static final FieldRefusal NAME_NOT_TOKEN = new FieldRefusal("a field name is empty or holds a character a token cannot");
        static final FieldRefusal CREDENTIAL_REPEATED = new FieldRefusal("X-Terminal-Id, X-Timestamp and X-Signature appear at most once each");

        FieldRefusal(String detail) {
            super(detail, null, false, false);
        }
    }

    /** The request's HTTP major version is not 1 (a constant: no stack trace, nothing of the request). */
    private static final class UnsupportedVersion extends RuntimeException {
        UnsupportedVersion() {
            super("unsupported HTTP major version", null, false, false);
        }
    }

    /** The request's version is not {@code HTTP/DIGIT.DIGIT}. */
    private static final class MalformedVersion extends RuntimeException {
        MalformedVersion() {
            super("malformed HTTP version", null, false, false);
        }
    }
}
