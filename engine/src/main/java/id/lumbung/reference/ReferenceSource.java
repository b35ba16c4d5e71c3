package id.lumbung.reference;

import id.lumbung.core.reference.ReferenceDataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the three reference CSV files come from: a folder on disk or a classpath folder. */
abstract class ReferenceSource {
    /** 64 KiB reads: a 1-million-terminal file is about 100 MB, read in about 1,500 reads. */
    private static final int READ_BUFFER_CHARS = 64 * 1024;

    /** The name used in messages, for example {@code /etc/lumbung/ref/coops.csv}. */
    abstract String describe(String fileName);

    /** Size of the file in bytes, or 0 when unknown; used only to pre-size tables. */
    abstract long sizeBytes(String fileName);

    /** Opens the file for reading, or throws naming the missing file. */
    final Reader open(String fileName) throws ReferenceDataException {
        InputStream in;
        try {
            in = openStream(fileName);
        } catch (IOException e) {
            throw new ReferenceDataException(describe(fileName) + ": cannot open: " + e.getMessage(), e);
        }
        if (in == null) {
            throw new ReferenceDataException(describe(fileName) + ": missing file");
        }
        // REPORT, not REPLACE: bad bytes must stop the load, not become U+FFFD inside an id or name
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(in, decoder), READ_BUFFER_CHARS);
    }

    /**
     * The 1-based line holding the first byte sequence that is not UTF-8, or 0 if none is found.
     * Cold path, used only to word an error: it reads the file again.
     */
    final long lineOfFirstInvalidUtf8(String fileName) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = openStream(fileName)) {
            byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
            ByteBuffer input = ByteBuffer.wrap(bytes);
            CharBuffer output = CharBuffer.allocate(READ_BUFFER_CHARS);
            CoderResult result;
            do {
                output.clear();
                result = decoder.decode(input, output, true);
            } while (result.isOverflow());
            return result.isError() ? 1 + countNewlines(bytes, input.position()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long countNewlines(byte[] bytes, int endExclusive) {
        long newlines = 0;
        for (int i = 0; i < endExclusive; i++) {
            if (bytes[i] == '\n') {
                newlines++;
            }
        }
        return newlines;
    }

    /** The file's bytes, or {@code null} when it does not exist. */
    abstract InputStream openStream(String fileName) throws IOException;

    static ReferenceSource directory(Path dir) {
        return new ReferenceSource() {
            @Override
            String describe(String fileName) {
                return dir.resolve(fileName).toString();
            }

            @Override
            long sizeBytes(String fileName) {
                try {
                    return Files.size(dir.resolve(fileName));
                } catch (IOException e) {
                    return 0; // open() reports the real problem with the file's name
                }
            }

            @Override
            InputStream openStream(String fileName) throws IOException {
                Path file = dir.resolve(fileName);
                return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
            }
        };
    }

    /** A classpath folder such as {@code /demo/}, read through {@code anchor}'s class loader. */
    static ReferenceSource classpath(Class<?> anchor, String folder) {
        return new ReferenceSource() {
            @Override
            String describe(String fileName) {
                return "classpath:" + folder + fileName;
            }

            @Override
            long sizeBytes(String fileName) {
                return 0;
            }

            @Override
            InputStream openStream(String fileName) {
                return anchor.getResourceAsStream(folder + fileName);
            }
        };
    }
}
