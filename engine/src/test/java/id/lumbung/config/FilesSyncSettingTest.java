package id.lumbung.config;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code settlement.files.sync}: auto by default, per-file on request, anything else refused by name. */
class FilesSyncSettingTest {

    @Test
    void autoByDefaultPerFileOnRequestAndCaseIsIgnored() {
        assertThat(EngineConfig.defaults().filesSync).isEqualTo(FilesSync.AUTO);
        assertThat(EngineConfig.of(Map.of("settlement.files.sync", "per-file")).filesSync).isEqualTo(FilesSync.PER_FILE);
        assertThat(EngineConfig.of(Map.of("settlement.files.sync", " Auto ")).filesSync).isEqualTo(FilesSync.AUTO);
    }

    @Test
    void anyOtherValueIsRefusedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> EngineConfig.of(Map.of("settlement.files.sync", "fsync")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("settlement.files.sync must be auto or per-file, got 'fsync'");
    }

    @Test
    void asyncDurabilityKeepsAnFsyncPerFile() {
        assertThat(FilesSync.effective(FilesSync.AUTO, Durability.ASYNC)).isEqualTo(FilesSync.PER_FILE);
        assertThat(FilesSync.effective(FilesSync.AUTO, Durability.SYNC)).isEqualTo(FilesSync.AUTO);
        assertThat(FilesSync.effective(FilesSync.PER_FILE, Durability.SYNC)).isEqualTo(FilesSync.PER_FILE);
    }
}
