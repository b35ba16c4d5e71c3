package id.lumbung.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * A request body read up to a limit, as the cooperative API and the portal's forms read theirs:
 * at the first chunk that would take it past the limit the request is refused once and the rest
 * is dropped; otherwise the whole body is handed on at its end. (The terminal
 * port's hot path keeps its own copy, without the two callbacks' objects per request; the ops
 * port reads an admin body whole and refuses it at its end.)
 */
public final class BoundedBody {
    private BoundedBody() {
    }

    /**
     * @param initialBytes the buffer's first capacity
     * @param tooLarge answers the request, once, when the body passes {@code limit}
     * @param then gets the body at its end, unless it was too large
     */
    public static void read(HttpServerRequest req, int limit, int initialBytes, Runnable tooLarge, Consumer<byte[]> then) {
        Buffer body = Buffer.buffer(initialBytes);
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                tooLarge.run();
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!over[0]) {
                then.accept(body.getBytes());
            }
        });
    }
}
