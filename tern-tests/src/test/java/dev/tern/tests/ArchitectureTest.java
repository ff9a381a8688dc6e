package dev.tern.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GUIDE.md section 1: the module dependency rules, checked on the production classes of every module. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tern");
    }

    @Test
    @DisplayName("the import sees every module's classes")
    void importsEveryModule() {
        for (String pkg : new String[] {"dev.tern.codec", "dev.tern.spi", "dev.tern.core", "dev.tern.transport",
                "dev.tern.server", "dev.tern.testkit"}) {
            assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("classes of %s on the classpath", pkg).isTrue();
        }
    }

    @Test
    @DisplayName("tern-core never depends on Netty channels, transport, server, storage implementations or Hazelcast")
    void coreIsolation() {
        noClasses().that().resideInAPackage("dev.tern.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.netty.channel..", "dev.tern.transport..", "dev.tern.server..", "dev.tern.cli..",
                        "dev.tern.storage..", "org.rocksdb..", "com.hazelcast..")
                .because("GUIDE.md §1: core talks to a connection through a small port interface")
                .check(classes);
    }

    @Test
    @DisplayName("tern-spi contracts use JDK types only")
    void spiUsesJdkTypesOnly() {
        classes().that().resideInAPackage("dev.tern.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.tern.spi..")
                .because("GUIDE.md §1: SPI contracts carry no third-party types")
                .check(classes);
    }

    @Test
    @DisplayName("the codec's decoders and encoders are used only by the codec, the transport, the testkit and the bench and command-line clients")
    void codecInternals() {
        classes().that().resideInAnyPackage("dev.tern.codec.decode..", "dev.tern.codec.encode..")
                .should().onlyBeAccessed().byAnyPackage(
                        "dev.tern.codec..", "dev.tern.transport..", "dev.tern.testkit..", "dev.tern.bench..",
                        "dev.tern.cli.client..")
                .because("GUIDE.md §1: outside tern-codec only its packet model and wire value types are imported")
                .check(classes);
    }

    @Test
    @DisplayName("no package cycles among the top-level dev.tern packages")
    void noCyclesBetweenModules() {
        slices().matching("dev.tern.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    @DisplayName("no package cycles inside a module")
    void noCyclesInsideModules() {
        slices().matching("dev.tern.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    @DisplayName("names say what a thing is: no *Manager, *Util(s), *Helper, PostOffice")
    void names() {
        noClasses().that().resideInAPackage("dev.tern..")
                .should().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils")
                .orShould().haveSimpleNameEndingWith("Helper")
                .orShould().haveSimpleName("PostOffice")
                .because("GUIDE.md §1: a class is named after its responsibility")
                .check(classes);
    }
}
