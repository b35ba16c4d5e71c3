package id.lumbung.ingest;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

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
    private static final VersionHandler VERSION_HANDLER = new VersionHandler();

    private HttpProtocol() {
    }

    /**
     * For a server's connection handler: puts the version handler before the connection's own
     * (Vert.x calls the connection handler before the connection reads its first request).
     */
    public static void guard(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelHandlerContext ctx = base.channelHandlerContext();
            if (ctx.pipeline().get(HANDLER_NAME) == null) {
                ctx.pipeline().addBefore(ctx.name(), HANDLER_NAME, VERSION_HANDLER);
            }
        }
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
            default -> "request line or headers cannot be read, or the version is not HTTP/DIGIT.DIGIT";
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
                    if (!"HTTP".equals(v.protocolName()) || v.majorVersion() > DIGIT_MAX || v.minorVersion() > DIGIT_MAX) {
                        req.setDecoderResult(DecoderResult.failure(MALFORMED));
                    } else if (v.majorVersion() != 1) {
                        req.setDecoderResult(DecoderResult.failure(UNSUPPORTED));
                    }
                }
            }
            ctx.fireChannelRead(msg);
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
