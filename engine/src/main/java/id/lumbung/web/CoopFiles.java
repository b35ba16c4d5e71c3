package id.lumbung.web;

import id.lumbung.core.reference.Coop;
import id.lumbung.core.settlement.BatchRecord;
import id.lumbung.core.settlement.FileDigest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Serves one settlement file of a cooperative's own batch, as the cooperative API and the portal
 * both do: a batch of another cooperative, an unknown batch or file answers {@code 404}; the bytes
 * carry {@code ETag} and {@code Repr-Digest} and are served only if their length is the listed one.
 * Event loop only: the file is read with Vert.x's asynchronous file system.
 */
public final class CoopFiles {
    private final Function<String, BatchRecord> batchById;
    private final Path filesDir;
    private final Vertx vertx;

    /**
     * @param batchById the closed batch with an id, or null (settlement's list; any thread)
     * @param filesDir the folder of the batches' files, one folder per cooperative
     */
    public CoopFiles(Function<String, BatchRecord> batchById, Path filesDir, Vertx vertx) {
        this.batchById = batchById;
        this.filesDir = filesDir;
        this.vertx = vertx;
    }

    /** Answers {@code req} with file {@code name} of batch {@code batchId}, if that batch is {@code coop}'s. */
    public void serve(HttpServerRequest req, Coop coop, String batchId, String name) {
        BatchRecord record = batchById.apply(batchId);
        FileDigest digest = null;
        if (record != null && record.coopIndex() == coop.index()) {
            for (FileDigest f : record.files()) {
                if (f.name().equals(name)) {
                    digest = f;
                }
            }
        }
        if (digest == null) {
            problem(req, Problem.NOT_FOUND, "no such file");
            return;
        }
        FileDigest d = digest;
        String etag = "\"" + d.sha256Hex() + "\"";
        if (etag.equals(req.getHeader("If-None-Match"))) {
            req.response().setStatusCode(304).putHeader("ETag", etag).end();
            return;
        }
        String path = filesDir.resolve(coop.coopId()).resolve(d.name()).toString();
        vertx.fileSystem().readFile(path).onComplete(ar -> {
            if (ar.failed()) {
                problem(req, Problem.NOT_FOUND, "file is not readable");
                return;
            }
            if (ar.result().length() != d.sizeBytes()) {
                // the file changed under us: never serve bytes that do not match the listed digest
                problem(req, Problem.NOT_FOUND, "file does not match its digest; the operator has been alerted");
                return;
            }
            HeadAnswers.end(req, req.response()
                    .putHeader("Content-Type", name.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/xml")
                    .putHeader("ETag", etag)
                    .putHeader("Repr-Digest", "sha-256=:" + d.sha256Base64() + ":")
                    .putHeader("Cache-Control", "private, max-age=31536000, immutable"), ar.result());
        });
    }

    private static void problem(HttpServerRequest req, Problem p, String detail) {
        HeadAnswers.end(req, req.response().setStatusCode(p.status).putHeader("Content-Type", "application/problem+json"),
                p.json(detail));
    }
}
