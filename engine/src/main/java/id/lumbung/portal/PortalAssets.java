package id.lumbung.portal;

import id.lumbung.core.digest.Sha256;
import id.lumbung.web.HeadAnswers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The portal's one static asset, its stylesheet, bundled as a resource and read once when the
 * class loads (at the terminal port's start, never per request). Pages link it with its digest in
 * the query ({@code ?v=}), so it is served as immutable for a year and a new build is fetched
 * anew; the {@code ETag} is its SHA-256.
 */
final class PortalAssets {
    static final String CSS_PATH = "/portal/static/portal.css";
    private static final String CSS_RESOURCE = "/portal/portal.css";
    /** A year in seconds (365 × 86,400), the longest Cache-Control max-age HTTP caches honour in practice. */
    private static final int IMMUTABLE_MAX_AGE_S = 31_536_000;
    private static final Buffer CSS;
    private static final String CSS_SHA256_HEX;

    static {
        try (InputStream in = PortalAssets.class.getResourceAsStream(CSS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + CSS_RESOURCE + " is missing from the build");
            }
            byte[] bytes = in.readAllBytes();
            CSS = Buffer.buffer(bytes);
            CSS_SHA256_HEX = HexFormat.of().formatHex(Sha256.of(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PortalAssets() {
    }

    /** The stylesheet's URL, versioned by the first 16 hex digits of its digest. */
    static String cssHref() {
        return CSS_PATH + "?v=" + CSS_SHA256_HEX.substring(0, 16);
    }

    /** Answers the stylesheet, or {@code 304} to a matching {@code If-None-Match}. */
    static void serveCss(HttpServerRequest req) {
        String etag = "\"" + CSS_SHA256_HEX + "\"";
        req.response().putHeader("ETag", etag)
                .putHeader("Cache-Control", "public, max-age=" + IMMUTABLE_MAX_AGE_S + ", immutable")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (etag.equals(req.getHeader("If-None-Match"))) {
            req.response().setStatusCode(304).end();
            return;
        }
        HeadAnswers.end(req, req.response().putHeader("Content-Type", "text/css; charset=utf-8"), CSS);
    }
}
