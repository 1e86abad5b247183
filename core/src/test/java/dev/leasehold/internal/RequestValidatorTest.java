package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.AccessRequest;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.Statement;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The key of the cache-hit fast path ({@link RequestValidator#taskOf}) is the key validation gives the same
 * request, so a hit needs no validation; and a role whose grant ended is seen as ended by the fast path and
 * refused by the full one.
 */
class RequestValidatorTest {
  private static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
  private final RoleCatalog catalog = TestCatalogs.reference();
  private final RequestValidator validator = new RequestValidator(catalog, clock);
  private final RoleSpec s3 = catalog.role("s3-deploy").orElseThrow();

  private TaskKey validated(AccessRequest request) {
    return validator.inScope(s3, validator.check(s3, request)).task(s3);
  }

  @Test
  void theFastPathKeyIsTheKeyValidationGivesTheSameRequest() {
    AccessRequest plain = AccessRequest.of("s3-deploy", REASON, "s3:PutObject", "s3:GetObject");
    AccessRequest padded = plain.toBuilder().reason("  " + REASON + "\n").build();
    AccessRequest timed = plain.toBuilder().duration(Duration.ofMinutes(15)).build();
    AccessRequest scoped = plain.toBuilder().resources("arn:aws:s3:::hermes-dev-deploy/releases/*").build();

    for (AccessRequest request : new AccessRequest[] {plain, padded, timed, scoped}) {
      assertThat(validator.taskOf(s3, request)).as(request.toString()).isEqualTo(validated(request));
    }
    assertThat(validator.taskOf(s3, padded)).isEqualTo(validator.taskOf(s3, plain));
    assertThat(validator.taskOf(s3, plain).duration()).isEqualTo(catalog.durationFor(s3));
  }

  @Test
  void anIntentWithWildcardsIsKeyedByItsExpandedActionsSoItNeverHitsTheFastPath() {
    AccessRequest wild = AccessRequest.of("s3-deploy", REASON, "s3:Get*Object");

    TaskKey valid = validated(wild);
    assertThat(valid.actions()).contains("s3:GetObject").doesNotContain("s3:Get*Object");
    assertThat(validator.taskOf(s3, wild)).isNotEqualTo(valid);
  }

  @Test
  void aRoleIsEndedFromItsNotAfterOnAndThenRefused() {
    RoleSpec temporary = RoleSpec.builder("temp-read", "arn:aws:iam::123456789012:role/temp-read")
        .permission(Statement.allow("s3:GetObject").resources("*").build())
        .notAfter(clock.instant().plusSeconds(60)).build();
    AccessRequest request = AccessRequest.of("temp-read", REASON);

    assertThat(validator.ended(temporary)).isFalse();
    assertThat(validator.check(temporary, request).reason()).isEqualTo(REASON);
    clock.advance(Duration.ofSeconds(60));
    assertThat(validator.ended(temporary)).isTrue();
    assertThat(validator.ended(s3)).isFalse();
    assertThatThrownBy(() -> validator.check(temporary, request)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("was a temporary grant that ended at " + clock.instant());
  }
}
