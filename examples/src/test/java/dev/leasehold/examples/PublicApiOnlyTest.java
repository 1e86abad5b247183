package dev.leasehold.examples;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.leasehold.examples.langchain4j.AwsTools;
import dev.leasehold.examples.loop.AgentLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples are what users copy, so they may only use public API. */
class PublicApiOnlyTest {
  static final JavaClasses EXAMPLES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.leasehold.examples");

  static final ArchRule NO_INTERNALS = noClasses().should().dependOnClassesThat().resideInAPackage("..internal..")
      .because("internal packages (Leasehold's, the AWS SDK's, LangChain4j's) are not API");

  static final ArchRule ONLY_PUBLIC_LEASEHOLD_PACKAGES = noClasses().should().dependOnClassesThat(
          resideInAPackage("dev.leasehold..").and(not(resideInAnyPackage("dev.leasehold", "dev.leasehold.catalog",
              "dev.leasehold.policy", "dev.leasehold.audit", "dev.leasehold.iam", "dev.leasehold.approval", "dev.leasehold.examples.."))))
      .because("DESIGN.md lists the public packages; shipped examples never use the testing FakeApprover either");

  @Test
  void theImportHoldsTheShippedExamplesOnly() {
    assertThat(EXAMPLES.stream().map(JavaClass::getName))
        .contains(AgentLoop.class.getName(), AwsTools.class.getName())
        .noneMatch(name -> name.endsWith("Test") || name.contains("Leaky"));
  }

  @Test
  void examplesUseNoInternalPackage() {
    NO_INTERNALS.check(EXAMPLES);
  }

  @Test
  void examplesUseOnlyPublicLeaseholdPackages() {
    ONLY_PUBLIC_LEASEHOLD_PACKAGES.check(EXAMPLES);
  }

  @Test
  void theRulesCatchCodeThatReachesIntoInternals() {
    JavaClasses offender = new ClassFileImporter().importClasses(ReachesIntoInternals.class);

    assertThat(NO_INTERNALS.evaluate(offender).hasViolation()).isTrue();
    assertThat(ONLY_PUBLIC_LEASEHOLD_PACKAGES.evaluate(offender).hasViolation()).isTrue();
  }

  @Test
  void theUnitTestPatternStaysUnderFortyLines() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("src/test/java/dev/leasehold/examples/testing/YourAgentTest.java"));
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("class YourAgentTest")).findFirst().orElseThrow());

    assertThat(lines.size() - start).isLessThan(40);
  }

  /** What the rules must refuse: a class that uses Leasehold's implementation directly. */
  static final class ReachesIntoInternals {
    String validate(String reason) {
      return dev.leasehold.internal.ReasonValidator.validate(reason);
    }
  }
}
