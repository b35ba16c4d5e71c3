package id.lumbung.ingest;

import id.lumbung.TestEngine;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine on the demo data for all tests of a class, started before the first and stopped after
 * the last: each test posts under txnIds of its own ({@link #nextTxn()}), so the tests share the
 * engine without answering each other's payments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneEngineTest {
    private final String txnPrefix;
    TestEngine t;
    private int txn;

    /** @param txnPrefix what {@link #nextTxn()} puts before the running number */
    OneEngineTest(String txnPrefix) {
        this.txnPrefix = txnPrefix;
    }

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        t = new TestEngine(data, Map.of());
    }

    @AfterAll
    void stop() {
        t.close();
    }

    /** A txnId no test of the class has used: the class's prefix and the next number. */
    String nextTxn() {
        return nextTxn(txnPrefix);
    }

    /** A txnId no test of the class has used: {@code prefix} and the next number. */
    String nextTxn(String prefix) {
        return prefix + (++txn);
    }

    /** The {@code code} of a problem answer. */
    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("code");
    }
}
