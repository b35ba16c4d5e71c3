package id.lumbung.crash;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PowerCutFs} keeps at a cut, checked on the backing folder afterwards: what was forced
 * (by {@code write} then {@code force}, by a shared mapping then {@code force}, which is how the
 * journal forces Chronicle's mapped writes) is there; what was written or mapped and not forced,
 * and a size change not forced, is not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PowerCutFsTest {
    @TempDir
    Path tmp;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Unmaps now rather than at a garbage collection, so that the mount is not busy at unmount. */
    private static void unmap(MappedByteBuffer map) throws Exception {
        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        ((sun.misc.Unsafe) f.get(null)).invokeCleaner(map);
    }

    @Test
    void aCutKeepsWhatWasForcedAndDropsTheRest() throws Exception {
        Path backing = tmp.resolve("backing");
        Path mnt = tmp.resolve("mnt");
        try (PowerCutFs fs = PowerCutFs.mount(backing, mnt)) {
            try (FileChannel w = FileChannel.open(mnt.resolve("written"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                w.write(ascii("forced;"));
                w.force(false);
                w.write(ascii("not forced"));
            }
            try (FileChannel m = FileChannel.open(mnt.resolve("mapped"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                MappedByteBuffer map = m.map(FileChannel.MapMode.READ_WRITE, 0, 64 << 10);
                map.put(0, "mapped+forced".getBytes(StandardCharsets.US_ASCII));
                m.force(false); // fdatasync of the file: the kernel writes the mapping's dirty pages back first
                map.put(8192, "mapped, not forced".getBytes(StandardCharsets.US_ASCII));
                m.truncate(16 << 10); // a size change, not forced
                assertThat(Files.size(mnt.resolve("mapped"))).isEqualTo(16 << 10);
                assertThat(fs.counters().get("forces")).isEqualTo(2);
                unmap(map); // munmap forces nothing: the dirty page stays in the kernel's cache, unforced
                fs.cut();
            }
            assertThat(fs.counters().get("cuts")).isEqualTo(1);
            assertThat(fs.counters().get("dropped_bytes")).isPositive();
            fs.unmount();
        }
        assertThat(Files.readString(backing.resolve("written"), StandardCharsets.US_ASCII)).isEqualTo("forced;");
        byte[] mapped = Files.readAllBytes(backing.resolve("mapped"));
        assertThat(mapped).hasSize(64 << 10); // the forced size, not the truncation after it
        assertThat(new String(mapped, 0, 13, StandardCharsets.US_ASCII)).isEqualTo("mapped+forced");
        assertThat(new String(mapped, 8192, 18, StandardCharsets.US_ASCII)).isEqualTo("\0".repeat(18));
    }

    @Test
    void aCleanUnmountWritesWhatIsHeldBack() throws Exception {
        Path backing = tmp.resolve("backing");
        Path mnt = tmp.resolve("mnt");
        try (PowerCutFs fs = PowerCutFs.mount(backing, mnt)) {
            Files.writeString(mnt.resolve("f"), "never forced, cleanly unmounted", StandardCharsets.US_ASCII);
            assertThat(fs.counters().get("held_bytes")).isPositive();
        }
        assertThat(Files.readString(backing.resolve("f"), StandardCharsets.US_ASCII)).isEqualTo("never forced, cleanly unmounted");
    }
}
