package id.lumbung;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package walls of the engine: dependencies point inward to a pure core, and no two packages
 * depend on each other. The core ({@code id.lumbung.core..}) decides from journal entries and
 * reference data; the shell around it does every I/O. Main classes only: tests may reach across.
 */
@AnalyzeClasses(packages = "id.lumbung", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** No cycle between any two packages (sub-packages are packages of their own). */
    @ArchTest
    static final ArchRule noCycleBetweenPackages = slices().matching("id.lumbung.(**)")
            .should().beFreeOfCycles();

    /**
     * The core depends on the JDK and on itself only: no Vert.x, Netty, Micrometer, Chronicle, Kafka,
     * JCTools, commons-csv, Jackson or logging library, and nothing of the shell.
     */
    @ArchTest
    static final ArchRule coreDependsOnJdkAndCoreOnly = classes().that().resideInAPackage("id.lumbung.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "id.lumbung.core..")
            .because("the core decides and the shell acts");

    /**
     * Of the JDK, the core uses no files, sockets, threads, executors, locks or loggers
     * (java.util.concurrent.atomic is allowed: counts another thread reads).
     */
    @ArchTest
    static final ArchRule coreDoesNoIoNorThreads = noClasses().that().resideInAPackage("id.lumbung.core..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net..",
                    "java.util.logging..", "java.util.concurrent.locks..")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\.[A-Z].*")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.lang\\.System\\$Logger.*")
            .because("the core runs on the thread the shell gives it and touches no file");

    /**
     * The core is deterministic: time comes from the clock the shell injects, never from the
     * system, and nothing random or read from the environment decides anything.
     */
    @ArchTest
    static final ArchRule coreReadsNoSystemTimeNorEnvironment = noClasses().that().resideInAPackage("id.lumbung.core..")
            .should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().callMethod(System.class, "getenv", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class)
            .orShould().callMethod(java.time.Clock.class, "systemUTC")
            .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould().callMethod(java.time.Instant.class, "now")
            .orShould().callMethod(java.time.LocalDate.class, "now")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
            .because("replay and reconcile must reach the same decisions from the same journal");

    /** Only the wiring (engine) and the command line (cli) build the engine. */
    @ArchTest
    static final ArchRule onlyWiringDependsOnEngine = noClasses()
            .that().resideOutsideOfPackages("id.lumbung.engine..", "id.lumbung.cli..")
            .should().dependOnClassesThat().resideInAPackage("id.lumbung.engine..");

    @ArchTest
    static final ArchRule nothingDependsOnCli = noClasses()
            .that().resideOutsideOfPackage("id.lumbung.cli..")
            .should().dependOnClassesThat().resideInAPackage("id.lumbung.cli..");

    /**
     * Intake (HTTP, ISO 8583, the portal, delivery, forwarding between nodes) goes through the
     * writer and the core, never to a journal adapter (Chronicle, Kafka) or the snapshot files.
     */
    @ArchTest
    static final ArchRule intakeReachesNeitherJournalNorSnapshots = noClasses()
            .that().resideInAnyPackage("id.lumbung.ingest..", "id.lumbung.gateway..", "id.lumbung.portal..",
                    "id.lumbung.delivery..", "id.lumbung.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("id.lumbung.journal..", "id.lumbung.kafka..",
                    "id.lumbung.snapshot..");
}
