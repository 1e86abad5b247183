package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.CallBudget;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.TestCatalogs;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/** The guard's rules for calls the SDK describes incompletely, which a real client never produces. */
class GuardInterceptorTest {
  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  private GuardInterceptor guard(List<String> intent) {
    Clock clock = Clock.systemUTC();
    LeaseIssuer.Lease lease = new LeaseIssuer.Lease(AwsSessionCredentials.create("ASIAX", "secret", "token"),
        Instant.now().plusSeconds(900), "arn:aws:sts::123456789012:assumed-role/r/s");
    LeasedSession session = new LeasedSession("req-1", TestCatalogs.reference().role("s3-deploy").orElseThrow(), "alice",
        intent, List.of(), lease, clock, Region.US_EAST_1, new Auditor(audit, clock, "hermes"),
        new ActionMapper(Map.of()), CallBudget.DEFAULTS, s -> {});
    return new GuardInterceptor(session, new Scope(session.role(), intent, List.of()), new ActionMapper(Map.of()), CallBudget.DEFAULTS);
  }

  private static InterceptorContext call() {
    return InterceptorContext.builder().request(GetObjectRequest.builder().bucket("hermes-dev-deploy").key("a").build()).build();
  }

  @Test
  void aCallThatCannotBeMappedIsRefusedWhenAnIntentWasDeclared() {
    assertThatThrownBy(() -> guard(List.of("s3:GetObject")).beforeExecution(call(), new ExecutionAttributes()))
        .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("maps to no IAM action");
    assertThat(audit.events()).extracting(AuditEvent::type).containsExactly(AuditEventType.CALL_REFUSED);
  }

  @Test
  void aCallThatCannotBeMappedIsRefusedAlsoWithoutAnIntent() {
    // never guessed: without a name the call cannot be checked against the role either
    assertThatThrownBy(() -> guard(List.of()).beforeExecution(call(), new ExecutionAttributes()))
        .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("maps to no IAM action")
        .hasMessageContaining("actionMapping(");
    assertThat(audit.events()).extracting(AuditEvent::type, AuditEvent::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(AuditEventType.CALL_REFUSED, "unmapped"));
  }

  @Test
  void aMappedCallIsCheckedEarlyButAuditedOnlyWhenItIsTransmitted() {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(SdkExecutionAttribute.SERVICE_NAME, "S3");
    guard(List.of("s3:GetObject")).beforeExecution(call(), attributes);
    assertThat(audit.events()).isEmpty();
    assertThatThrownBy(() -> guard(List.of("s3:PutObject")).beforeExecution(call(), attributes))
        .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("s3:GetObject is outside the session's declared intent");
    assertThat(audit.events()).extracting(AuditEvent::action).containsExactly("s3:GetObject");
  }

  @Test
  void theOperationComesFromTheRequestClassNotFromARewritableAttribute() {
    ExecutionAttributes attributes = new ExecutionAttributes();
    attributes.putAttribute(SdkExecutionAttribute.OPERATION_NAME, "ListBuckets");
    assertThat(ActionMapper.operationOf(GetObjectRequest.builder().build(), attributes)).isEqualTo("GetObject");
  }

  @Test
  void mutatingFollowsAwsAccessLevelsNotVerbs() {
    assertThat(GuardInterceptor.isMutating("s3:GetObject")).isFalse();
    assertThat(GuardInterceptor.isMutating("ec2:DescribeInstances")).isFalse();
    assertThat(GuardInterceptor.isMutating("s3:PutObject")).isTrue();
    assertThat(GuardInterceptor.isMutating("ec2:TerminateInstances")).isTrue();
    // the verb rule had these wrong both ways
    assertThat(GuardInterceptor.isMutating("sqs:ReceiveMessage")).isFalse();
    assertThat(GuardInterceptor.isMutating("logs:StartQuery")).isFalse();
    assertThat(GuardInterceptor.isMutating("sts:GetFederationToken")).isTrue();
    assertThat(GuardInterceptor.isMutating("kms:GenerateDataKey")).isTrue();
    assertThat(GuardInterceptor.isMutating("states:GetActivityTask")).isTrue();
  }
}
