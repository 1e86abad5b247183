package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/** The base identity is resolved, and a local setup mistake reported as one, before a human is asked. */
class BaseIdentityTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  @BeforeEach
  void reset() {
    sts.resetAll();
  }

  @Test
  void aMissingProfileIsALocalSetupErrorAndNobodyIsAsked() {
    assertRefusedBeforeAnyoneIsAsked(ProfileCredentialsProvider.create("does-not-exist"));
  }

  @Test
  void aProfileFileWithoutTheProfileIsALocalSetupErrorAndNobodyIsAsked() throws Exception {
    Path credentials = Files.writeString(dir.resolve("credentials"),
        "[agent]\naws_access_key_id = " + Leasehold.BASE_KEY_ID + "\naws_secret_access_key = " + Leasehold.BASE_SECRET + "\n");
    ProfileFile file = ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build();
    assertRefusedBeforeAnyoneIsAsked(
        ProfileCredentialsProvider.builder().profileFile(file).profileName("does-not-exist").build());
  }

  @Test
  void aResolvableProfileIsUsedForAssumeRole() throws Exception {
    StsStub stub = new StsStub(sts).succeeds(900);
    Path credentials = Files.writeString(dir.resolve("credentials"),
        "[agent]\naws_access_key_id = " + Leasehold.BASE_KEY_ID + "\naws_secret_access_key = " + Leasehold.BASE_SECRET + "\n");
    ProfileFile file = ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build();
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), FakeApprover.approving("111222"), audit)
        .baseCredentials(ProfileCredentialsProvider.builder().profileFile(file).profileName("agent").build()).build()) {
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON)).isOpen()).isTrue();
    }
    assertThat(stub.assumeRoleRequests()).hasSize(1);
    assertThat(stub.assumeRoleRequests().get(0).getHeader("Authorization")).contains(Leasehold.BASE_KEY_ID);
  }

  private void assertRefusedBeforeAnyoneIsAsked(AwsCredentialsProvider base) {
    StsStub stub = new StsStub(sts).succeeds(900);
    FakeApprover approver = FakeApprover.approving("111222");
    try (AwsSessionFactory leasehold = Leasehold.factory(stub.endpoint(), approver, audit).baseCredentials(base).build()) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON)))
          .isInstanceOf(BaseCredentialsException.class)
          .isNotInstanceOf(AssumeRoleFailedException.class)
          .hasMessageContaining("ProfileCredentialsProvider")
          .hasMessageContaining("does-not-exist")
          .hasMessageContaining("not an AWS outage")
          .hasMessageContaining("nobody was asked");
    }
    assertThat(approver.requestCount()).isZero();
    assertThat(sts.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    assertThat(audit.events()).extracting(AuditEvent::type).containsExactly(AuditEventType.REFUSED);
    assertThat(audit.events().get(0).outcome()).isEqualTo("refused");
    assertThat(audit.events().get(0).cause()).contains("base identity");
  }
}
