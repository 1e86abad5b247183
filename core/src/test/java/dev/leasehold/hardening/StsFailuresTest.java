package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AssumeRoleFailedException.Category;
import dev.leasehold.internal.StsFailures;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.RegionDisabledException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The mapping from every STS error shape (modelled exception or plain {@code StsException} with a code,
 * any status) to a category and a retry decision, one case per row. The fault matrix covers the same
 * over HTTP for the common shapes; this pins the spellings it cannot reach cheaply.
 */
class StsFailuresTest {

  static StsException sts(int status, String code, String message) {
    return (StsException) StsException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .message(code + ": " + message).build();
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(sts(403, "ExpiredToken", "expired"), Category.EXPIRED_BASE_CREDENTIALS, false),
        Arguments.of(sts(400, "ExpiredTokenException", "expired"), Category.EXPIRED_BASE_CREDENTIALS, false),
        Arguments.of(ExpiredTokenException.builder().statusCode(400).build(), Category.EXPIRED_BASE_CREDENTIALS, false),
        Arguments.of(sts(403, "RegionDisabledException", "off"), Category.REGION_DISABLED, false),
        Arguments.of(RegionDisabledException.builder().statusCode(403).build(), Category.REGION_DISABLED, false),
        Arguments.of(sts(400, "PackedPolicyTooLarge", "112%"), Category.POLICY_TOO_LARGE, false),
        Arguments.of(PackedPolicyTooLargeException.builder().statusCode(400).build(), Category.POLICY_TOO_LARGE, false),
        Arguments.of(sts(400, "MalformedPolicyDocument", "bad"), Category.MALFORMED_POLICY, false),
        Arguments.of(MalformedPolicyDocumentException.builder().statusCode(400).build(), Category.MALFORMED_POLICY, false),
        Arguments.of(sts(403, "AccessDenied", "not authorized"), Category.ACCESS_DENIED, false),
        Arguments.of(sts(403, "AccessDeniedException", "not authorized"), Category.ACCESS_DENIED, false),
        Arguments.of(sts(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."),
            Category.MFA_CODE_REJECTED, false),
        Arguments.of(sts(403, "AccessDenied", "Invalid MFA token"), Category.MFA_CODE_REJECTED, false),
        Arguments.of(sts(400, "Throttling", "Rate exceeded"), Category.THROTTLED, true),
        Arguments.of(sts(400, "ThrottlingException", "Rate exceeded"), Category.THROTTLED, true),
        Arguments.of(sts(400, "RequestLimitExceeded", "slow down"), Category.THROTTLED, true),
        Arguments.of(sts(429, "TooManyRequestsException", "slow down"), Category.THROTTLED, true),
        Arguments.of(sts(500, "InternalFailure", "oops"), Category.UNAVAILABLE, true),
        Arguments.of(sts(503, "ServiceUnavailable", "later"), Category.UNAVAILABLE, true),
        Arguments.of(sts(500, null, null), Category.UNAVAILABLE, true),
        Arguments.of(sts(499, "Whatever", "client closed"), Category.INVALID_REQUEST, false),
        Arguments.of(sts(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration"),
            Category.DURATION_TOO_LONG, false),
        Arguments.of(sts(400, "ValidationError", "1 validation error detected: roleSessionName"), Category.INVALID_REQUEST, false),
        Arguments.of(sts(400, "InvalidParameterValue", "DurationSeconds"), Category.INVALID_REQUEST, false),
        Arguments.of(SdkClientException.create("Unable to execute HTTP request: Connection reset"), Category.UNAVAILABLE, true),
        Arguments.of(new UncheckedIOException(new IOException("broken pipe")), Category.INVALID_REQUEST, false),
        Arguments.of(new IllegalStateException("bug"), Category.INVALID_REQUEST, false));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("shapes")
  void eachShapeHasItsCategoryAndRetryDecision(Throwable failure, Category category, boolean retriable) {
    assertThat(StsFailures.categorize(failure)).isEqualTo(category);
    assertThat(StsFailures.retriable(failure)).isEqualTo(retriable);
  }

  @Test
  void theServiceMessageIsCodeAndMessageOrTheFirstLineOfTheException() {
    assertThat(StsFailures.serviceMessage(sts(403, "AccessDenied", "not authorized"))).isEqualTo("AccessDenied: not authorized");
    assertThat(StsFailures.serviceMessage(new IllegalStateException("first\nsecond"))).isEqualTo("IllegalStateException: first");
    assertThat(StsFailures.serviceMessage(new IllegalStateException("only"))).isEqualTo("IllegalStateException: only");
    assertThat(StsFailures.serviceMessage(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(StsFailures.serviceMessage(StsException.builder().statusCode(500).message("raw").build()))
        .isEqualTo("StsException: raw");
  }

  @Test
  void everyCategoryHasItsOwnAdvice() {
    Set<String> seen = new HashSet<>();
    for (Category c : EnumSet.allOf(Category.class)) {
      String advice = StsFailures.advice(c);
      assertThat(advice).as("%s", c).isNotBlank().endsWith(".");
      assertThat(seen.add(advice)).as("advice of %s is its own", c).isTrue();
    }
    assertThat(StsFailures.advice(Category.MFA_CODE_REJECTED)).contains("fresh code");
    assertThat(StsFailures.advice(Category.THROTTLED)).contains("slow down");
  }

  @Test
  void theFinalFailureCountsAttemptsAndExplainsASpentCode() {
    AssumeRoleFailedException once = StsFailures.failure("s3-deploy", sts(403, "AccessDenied", "no"), 1, null);
    assertThat(once.category()).isEqualTo(Category.ACCESS_DENIED);
    assertThat(once.roleKey()).isEqualTo("s3-deploy");
    assertThat(once.getMessage()).startsWith("AssumeRole for role 's3-deploy' failed (ACCESS_DENIED) after 1 attempt: AccessDenied: no. ")
        .endsWith(StsFailures.advice(Category.ACCESS_DENIED)).doesNotContain("used up");

    AssumeRoleFailedException spent = StsFailures.failure("s3-deploy",
        sts(403, "AccessDenied", "MultiFactorAuthentication failed"), 2, sts(503, "ServiceUnavailable", "later"));
    assertThat(spent.getMessage()).contains("after 2 attempts")
        .contains("probably used up by an earlier attempt that may have reached STS (ServiceUnavailable: later)");

    AssumeRoleFailedException notMfa = StsFailures.failure("s3-deploy", sts(403, "AccessDenied", "no"), 2,
        sts(503, "ServiceUnavailable", "later"));
    assertThat(notMfa.getMessage()).doesNotContain("used up");
    assertThat(notMfa.getCause()).isInstanceOf(StsException.class);
  }
}
