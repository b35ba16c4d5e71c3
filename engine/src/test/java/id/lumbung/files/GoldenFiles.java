package id.lumbung.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares rendered bytes with {@code src/test/resources/golden/<file>} byte for byte. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files after an intended change, then review
 * the diff in git before committing.
 */
final class GoldenFiles {

    static final Path DIR = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private GoldenFiles() {
    }

    static void assertMatches(String fileName, byte[] actual) throws IOException {
        Path expectedPath = DIR.resolve(fileName);
        if (UPDATE) {
            Files.createDirectories(DIR);
            Files.write(expectedPath, actual);
        }
        assertThat(expectedPath).as("golden file (run with -Dgolden.update=true to create)").exists();
        byte[] expected = Files.readAllBytes(expectedPath);
        assertThat(new String(actual, StandardCharsets.UTF_8)).as(fileName)
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).as(fileName + " bytes").isEqualTo(expected);
    }
}
