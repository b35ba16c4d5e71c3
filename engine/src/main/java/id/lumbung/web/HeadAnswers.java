package id.lumbung.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * Ends an answer so that {@code HEAD} gets exactly what {@code GET} gets, without the body. Vert.x
 * sends no body for a {@code HEAD} request, but it sets {@code Content-Length} from the body only
 * for other methods, so for {@code HEAD} it is set here from the body that is not sent.
 */
public final class HeadAnswers {
    private HeadAnswers() {
    }

    public static void end(HttpServerRequest req, HttpServerResponse res, String body) {
        if (req.method() == HttpMethod.HEAD) {
            res.putHeader("Content-Length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        }
        res.end(body);
    }

    public static void end(HttpServerRequest req, HttpServerResponse res, Buffer body) {
        if (req.method() == HttpMethod.HEAD) {
            res.putHeader("Content-Length", Integer.toString(body.length()));
        }
        res.end(body);
    }
}
