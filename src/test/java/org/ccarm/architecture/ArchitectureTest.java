package org.ccarm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering of the code (README, "How the code is laid out"), checked on the compiled classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.ccarm");

    private static final String[] TRANSPORT_AND_FORMATS = {
            "org.eclipse.jetty..", "jakarta.servlet..", "jakarta.xml.bind..", "javax.xml..", "org.xml.sax..",
            "org.w3c.dom..", "com.fasterxml.jackson.."};

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        slices().matching("org.ccarm.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theDomainKnowsNothingOfHttpXmlJsonOrJetty() {
        noClasses().that().resideInAnyPackage("org.ccarm.callcontrol..", "org.ccarm.store..", "org.ccarm.command..")
                .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT_AND_FORMATS)
                .check(CLASSES);
    }

    @Test
    void theDomainDoesNotReachIntoOuterLayers() {
        noClasses().that().resideInAnyPackage("org.ccarm.callcontrol..", "org.ccarm.store..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.ccarm.protocol..", "org.ccarm.command..", "org.ccarm.dispatch..", "org.ccarm.transport..",
                        "org.ccarm.feed..", "org.ccarm.config..")
                .check(CLASSES);
    }

    @Test
    void onlyTransportsImportJettyOrTheServletApi() {
        noClasses().that().resideOutsideOfPackage("org.ccarm.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void nothingInsideKnowsTheTransports() {
        noClasses().that().resideInAnyPackage("org.ccarm.protocol..", "org.ccarm.command..", "org.ccarm.dispatch..",
                        "org.ccarm.feed..", "org.ccarm.callcontrol..", "org.ccarm.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ccarm.transport..")
                .check(CLASSES);
    }

    @Test
    void noTransportUsesTheStore() {
        noClasses().that().resideInAnyPackage("org.ccarm.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ccarm.store..")
                .check(CLASSES);
    }

    @Test
    void theTransportsDoNotKnowEachOther() {
        noClasses().that().resideInAnyPackage("org.ccarm.transport.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ccarm.transport.ws..")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("org.ccarm.transport.ws..")
                .should().dependOnClassesThat().resideInAnyPackage("org.ccarm.transport.http..")
                .check(CLASSES);
    }
}
