package dev.leasehold.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** The stand-in as real AWS SDK clients see it over loopback HTTP, and what it records of their requests. */
class AwsStandInTest {
  static final String ROLE = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";
  static final String OPEN_ROLE = "arn:aws:iam::123456789012:role/hermes-dev-read";
  static final String SERIAL = "arn:aws:iam::123456789012:mfa/hermes-agent";
  static final AwsCredentialsProvider BASE = StaticCredentialsProvider.create(
      AwsBasicCredentials.create("AKIABASEEXAMPLE00001", "base-secret-example"));

  final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
  AwsStandIn aws = AwsStandIn.builder().clock(clock).role(ROLE, true).role(OPEN_ROLE, false).mfaSerial(SERIAL)
      .callerArn("arn:aws:iam::123456789012:user/agents/hermes-agent").start();

  @AfterEach
  void close() {
    aws.close();
  }

  StsClient sts(AwsCredentialsProvider credentials) {
    return StsClient.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
  }

  Credentials assume(Consumer<AssumeRoleRequest.Builder> request) {
    try (StsClient sts = sts(BASE)) {
      return sts.assumeRole(r -> request.accept(r.roleArn(ROLE).roleSessionName("leasehold-1").durationSeconds(900)
          .serialNumber(SERIAL).tokenCode("481516"))).credentials();
    }
  }

  StsException stsRefusal(Consumer<AssumeRoleRequest.Builder> request) {
    return (StsException) org.assertj.core.api.Assertions.catchThrowable(() -> assume(request));
  }

  S3Client s3(AwsCredentialsProvider credentials) {
    return S3Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
  }

  static AwsCredentialsProvider lease(Credentials c) {
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  @Test
  void issuesCredentialsThatExpireDurationSecondsAfterTheClocksNow() {
    Credentials c = assume(r -> r.sourceIdentity("hermes"));

    assertThat(c.accessKeyId()).startsWith(AwsStandIn.KEY_PREFIX).hasSize(20);
    assertThat(c.secretAccessKey()).startsWith(AwsStandIn.SECRET_PREFIX);
    assertThat(c.sessionToken()).startsWith(AwsStandIn.TOKEN_PREFIX);
    assertThat(c.expiration()).isEqualTo(clock.instant().plus(Duration.ofSeconds(900)));
  }

  @Test
  void recordsEveryAssumeRoleWithTheTokenCodeReplacedByItsLength() {
    assume(r -> r.sourceIdentity("hermes"));

    assertThat(aws.assumeRoles()).singleElement().satisfies(form -> assertThat(form)
        .containsEntry("Action", "AssumeRole").containsEntry("RoleArn", ROLE).containsEntry("DurationSeconds", "900")
        .containsEntry("SerialNumber", SERIAL).containsEntry("SourceIdentity", "hermes")
        .containsEntry("TokenCode", "6 characters"));
    assertThat(aws.assumeRoles().toString()).doesNotContain("481516");
  }

  @Test
  void refusesACodeUsedBeforeAsStsDoes() {
    assume(r -> {});

    StsException e = stsRefusal(r -> {});

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(AwsWire.MFA_INVALID);
  }

  @Test
  void refusesAnMfaRoleWithoutTheCallersSerialNumber() {
    StsException e = stsRefusal(r -> r.serialNumber("arn:aws:iam::123456789012:mfa/someone-else"));

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(AwsWire.MFA_UNVERIFIABLE);
  }

  @Test
  void refusesATokenCodeThatIsNotSixDigits() {
    StsException e = stsRefusal(r -> r.tokenCode("12345x"));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(AwsWire.TOKEN_CODE_MALFORMED);
  }

  @Test
  void refusesARoleOutsideTheRegisteredOnesNamingTheCaller() {
    StsException e = stsRefusal(r -> r.roleArn("arn:aws:iam::123456789012:role/admin"));

    assertThat(e.statusCode()).isEqualTo(403);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/agents/hermes-agent "
        + "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/admin");
  }

  @Test
  void refusesAnAssumeRoleWithoutDurationSeconds() {
    StsException e = stsRefusal(r -> r.durationSeconds(null));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
  }

  @Test
  void aRoleWithoutMfaNeedsNoCode() {
    assertThat(assume(r -> r.roleArn(OPEN_ROLE).serialNumber(null).tokenCode(null)).accessKeyId())
        .startsWith(AwsStandIn.KEY_PREFIX);
  }

  @Test
  void scriptedFailuresReachTheClientWithTheirCodeAndStatusThenItIssuesAgain() {
    aws.failAssumeRole(1, 403, "AccessDenied", AwsWire.MFA_INVALID).failAssumeRole(1, 503, "ServiceUnavailable",
        "Service is unavailable");

    StsException first = stsRefusal(r -> {});
    assertThat(first.statusCode()).isEqualTo(403);
    assertThat(first.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    assertThat(aws.assumeRoles()).hasSize(1);

    // The SDK retries the 503 itself: the second call reaches the wire twice and then gets credentials.
    assertThat(assume(r -> r.tokenCode("654321")).accessKeyId()).startsWith(AwsStandIn.KEY_PREFIX);
    assertThat(aws.assumeRoles()).hasSize(3);
  }

  @Test
  void throttlingReachesTheClientAsStsThrottling() {
    aws.failAssumeRole(10, 400, "Throttling", AwsWire.THROTTLED);

    StsException e = stsRefusal(r -> {});

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
    assertThat(e.isThrottlingException()).isTrue();
  }

  @Test
  void answersGetCallerIdentityOnlyForCredentialsItIssued() {
    Credentials c = assume(r -> {});

    try (StsClient sts = sts(lease(c))) {
      assertThat(sts.getCallerIdentity().arn())
          .isEqualTo("arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leasehold-1");
    }
    try (StsClient sts = sts(BASE)) {
      assertThatThrownBy(sts::getCallerIdentity).isInstanceOfSatisfying(StsException.class,
          e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
    }
    assertThat(aws.callerIdentityKeys()).containsExactly(c.accessKeyId(), "AKIABASEEXAMPLE00001");
  }

  @Test
  void servesS3OnlyToALeaseItIssuedAndRecordsEveryRequest() {
    Credentials c = assume(r -> {});
    try (S3Client s3 = s3(lease(c))) {
      s3.putObject(r -> r.bucket("deploy").key("releases/1.txt"), RequestBody.fromString("one"));
      assertThat(s3.getObjectAsBytes(r -> r.bucket("deploy").key("releases/1.txt")).asUtf8String()).isEqualTo("one");
      assertThat(s3.listObjectsV2(r -> r.bucket("deploy").prefix("releases/")).contents()).extracting(S3Object::key)
          .containsExactly("releases/1.txt");
      assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("deploy").key("missing")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
          });
      s3.deleteObject(r -> r.bucket("deploy").key("releases/1.txt"));
    }
    try (S3Client s3 = s3(BASE)) {
      assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket("deploy").key("releases/1.txt")))
          .isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
          });
    }

    assertThat(aws.object("deploy", "releases/1.txt")).isNull();
    assertThat(aws.s3Requests()).containsExactly("PUT /deploy/releases/1.txt", "GET /deploy/releases/1.txt",
        "GET /deploy", "GET /deploy/missing", "DELETE /deploy/releases/1.txt", "GET /deploy/releases/1.txt");
  }

  @Test
  void plantedCredentialsAreIssuedAndAcceptedAndAnyObjectAnswersEveryKey() {
    try (AwsStandIn planted = AwsStandIn.builder().credentials("ASIAPLANTED000000001", "planted-secret",
        "planted-token").anyObject("ok".getBytes(StandardCharsets.UTF_8)).start()) {
      StsClient sts = StsClient.builder().endpointOverride(planted.endpoint()).region(Region.US_EAST_1)
          .credentialsProvider(BASE).httpClient(UrlConnectionHttpClient.create()).build();
      Credentials c = sts.assumeRole(r -> r.roleArn("arn:aws:iam::123456789012:role/any").roleSessionName("s")
          .durationSeconds(3600)).credentials();
      sts.close();
      assertThat(c.accessKeyId()).isEqualTo("ASIAPLANTED000000001");
      assertThat(c.secretAccessKey()).isEqualTo("planted-secret");
      assertThat(c.sessionToken()).isEqualTo("planted-token");

      try (S3Client s3 = S3Client.builder().endpointOverride(planted.endpoint()).region(Region.US_EAST_1)
          .forcePathStyle(true).credentialsProvider(lease(c)).httpClient(UrlConnectionHttpClient.create()).build()) {
        assertThat(s3.getObjectAsBytes(r -> r.bucket("b").key("any/key")).asUtf8String()).isEqualTo("ok");
      }
    }
  }

  @Test
  void callsItDoesNotServeGetTheirRealErrorShape() {
    Credentials c = assume(r -> {});
    try (StsClient sts = sts(lease(c)); S3Client s3 = s3(lease(c))) {
      assertThatThrownBy(() -> sts.getSessionToken()).isInstanceOfSatisfying(StsException.class, e -> {
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
      });
      assertThatThrownBy(() -> s3.createBucket(r -> r.bucket("new-bucket"))).isInstanceOfSatisfying(S3Exception.class,
          e -> {
            assertThat(e.statusCode()).isEqualTo(501);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
          });
    }
    assertThat(aws.s3Requests()).containsExactly("PUT /new-bucket");
  }

  @Test
  void refusesToStartWithAnMfaRoleButNoSerial() {
    assertThatThrownBy(() -> AwsStandIn.builder().role(ROLE, true).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("mfaSerial");
  }

  @Test
  void endpointIsOnLoopback() {
    assertThat(URI.create(aws.endpoint().toString()).getHost()).isIn("127.0.0.1", "::1", "[0:0:0:0:0:0:0:1]");
  }
}
