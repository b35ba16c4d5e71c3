package id.lumbung.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.SAXException;

/**
 * The official ISO 20022 camt.053.001.09 schema, read from {@code ../shared/schemas/} relative to
 * the repository root, where CI checks {@code shared/} out beside the clone; it is never copied
 * into the repository. A missing schema fails the test that needs it (naming the path looked at)
 * rather than skipping it: without the schema nothing proves a statement valid.
 */
public final class OfficialSchema {
    static final String CAMT053_FILE = "camt.053.001.09.xsd";
    private static Schema camt053;

    private OfficialSchema() {
    }

    /** The repository root: the nearest folder at or above {@code user.dir} holding {@code engine/pom.xml}. */
    static Path repositoryRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("engine").resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (a folder with engine/pom.xml) at or above "
                + System.getProperty("user.dir"));
    }

    /** {@code <repository root>/../shared/schemas/camt.053.001.09.xsd}. */
    public static Path camt053Path() {
        return repositoryRoot().resolveSibling("shared").resolve("schemas").resolve(CAMT053_FILE).normalize();
    }

    /** The compiled schema; fails when the file is missing. */
    public static synchronized Schema camt053() throws SAXException {
        if (camt053 == null) {
            Path xsd = camt053Path();
            if (!Files.isRegularFile(xsd)) {
                throw new IllegalStateException("official schema not found at " + xsd
                        + " (../shared/schemas/ beside the repository, as CI checks it out)");
            }
            camt053 = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(xsd.toFile());
        }
        return camt053;
    }

    /** Validates a camt.053 document; a {@link SAXException} names the first violation. */
    public static void validateCamt053(byte[] xml) throws SAXException, IOException {
        camt053().newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
    }
}
