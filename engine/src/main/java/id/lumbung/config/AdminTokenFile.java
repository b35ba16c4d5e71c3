package id.lumbung.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ops port's admin token: {@value EngineConfig#ADMIN_TOKEN_ENV_NAME} when set, else the file
 * {@code <data>/admin.token}, created at the first start with 32 random bytes in hex, readable by
 * its owner only (0600), written whole through a temporary file.
 */
public final class AdminTokenFile {
    private AdminTokenFile() {
    }

    /** Reads or creates the admin token: env var, else {@code <data>/admin.token} (created 0600). */
    public static String read(Path dataDir) throws IOException {
        String env = System.getenv(EngineConfig.ADMIN_TOKEN_ENV_NAME);
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = dataDir.resolve("admin.token");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        Files.createDirectories(dataDir);
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String token = java.util.HexFormat.of().formatHex(raw);
        Path tmp = dataDir.resolve("admin.token.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }
}
