package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.leasehold.catalog.CatalogInvalidException;
import dev.leasehold.catalog.CatalogProblem;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the catalog loader with YAML and JSON text. The contract under test: any text either loads into
 * a catalog that keeps the catalog's invariants, or is refused with {@link CatalogInvalidException} whose
 * every problem is located (line and column at least 1). Any other exception is a finding.
 *
 * <p>In the normal build Jazzer replays the seeds (and past findings) under
 * {@code src/test/resources/dev/leasehold/hardening/CatalogFuzzTestInputs/}; {@code -Pfuzz} fuzzes for real
 * (docs/hardening.md).
 */
class CatalogFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void yaml(byte[] input) {
    check(new String(input, StandardCharsets.UTF_8), RoleCatalog.Format.YAML);
  }

  @FuzzTest(maxDuration = "2m")
  void json(byte[] input) {
    check(new String(input, StandardCharsets.UTF_8), RoleCatalog.Format.JSON);
  }

  static void check(String text, RoleCatalog.Format format) {
    RoleCatalog catalog;
    try {
      catalog = RoleCatalog.parse(text, format);
    } catch (CatalogInvalidException e) {
      assertThat(e.problems()).isNotEmpty();
      for (CatalogProblem p : e.problems()) {
        assertThat(p.line()).as("located: %s", p).isGreaterThanOrEqualTo(1);
        assertThat(p.column()).as("located: %s", p).isGreaterThanOrEqualTo(1);
      }
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(catalog.agent().name()).isNotBlank();
    assertThat(catalog.defaultDuration()).isBetween(RoleCatalog.MIN_DURATION, RoleCatalog.MAX_DURATION);
    for (RoleSpec role : catalog.roles().values()) {
      assertThat(role.arn()).startsWith("arn:");
      assertThat(catalog.durationFor(role)).isBetween(RoleCatalog.MIN_DURATION, RoleCatalog.MAX_DURATION);
      // The compiled evaluator must accept any action the loader let through.
      role.evaluator().evaluate("s3:GetObject", "arn:aws:s3:::bucket/key");
    }
  }
}
