package id.lumbung.cli;

import id.lumbung.config.EngineConfig;
import id.lumbung.core.reference.ReferenceData;
import id.lumbung.core.reference.ReferenceDataException;
import id.lumbung.core.settlement.FeeSchedule;
import id.lumbung.reference.ReferenceFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings an engine runs with, read the way {@code serve} reads them: the properties file
 * given with {@code --config}, the command's flags on top, the fee plans the file names
 * ({@code fee.plan.*}; none means the default plans) and the reference data checked against those
 * plans. {@code reconcile} reads them the same way so that it recomputes with what the engine
 * settled with.
 *
 * @param feePlansSource where {@link #fees} came from, for an operator's report: the defaults or the config file
 */
record EngineSettings(EngineConfig config, FeeSchedule fees, ReferenceData reference, String feePlansSource) {

    /**
     * @param configFile the properties file, or null for the defaults alone
     * @param flags setting names to the command's flag values, which override the file; a null value is a flag not given
     * @throws IllegalArgumentException naming the unreadable file or the setting at fault
     * @throws ReferenceDataException naming the reference file and line at fault
     */
    static EngineSettings load(Path configFile, Map<String, ?> flags) throws ReferenceDataException {
        Map<String, String> values = new LinkedHashMap<>();
        if (configFile != null) {
            try {
                values.putAll(EngineConfig.readFile(configFile));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + configFile + ": " + e, e);
            }
        }
        flags.forEach((name, value) -> {
            if (value != null) {
                values.put(name, value.toString());
            }
        });
        EngineConfig config = EngineConfig.of(values);
        FeeSchedule fees = config.feePlans.isEmpty() ? FeeSchedule.defaults() : FeeSchedule.parse(config.feePlans);
        ReferenceData reference = ReferenceFiles.loadOrBundledDemo(config.referenceDir, fees.toConfig().keySet());
        return new EngineSettings(config, fees, reference, feePlansSource(configFile, config));
    }

    /**
     * {@link #load}, for a command: a config, flag or reference data error is printed to
     * {@code err} as {@code lumbung: <message>} and gives null (the command exits 2).
     */
    static EngineSettings loadOrExplain(Path configFile, Map<String, ?> flags, java.io.PrintStream err) {
        try {
            return load(configFile, flags);
        } catch (IllegalArgumentException | ReferenceDataException e) {
            err.println("lumbung: " + e.getMessage());
            return null;
        }
    }

    private static String feePlansSource(Path configFile, EngineConfig config) {
        if (configFile == null) {
            return "defaults (no --config)";
        }
        String file = configFile.toAbsolutePath().normalize().toString();
        return config.feePlans.isEmpty() ? "defaults (no fee.plan.* in config " + file + ")" : "config " + file;
    }
}
