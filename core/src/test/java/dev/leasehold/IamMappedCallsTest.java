package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Calls whose IAM action is not their operation's name, and calls that map to no action, through real SDK
 * clients on a guarded session, against a loopback stand-in.
 */
class IamMappedCallsTest {
  static final String REASON = "drain the nightly export queue into the reporting function";
  static final String QUEUE = "arn:aws:sqs:us-east-1:123456789012:exports";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension aws = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  static final RoleCatalog CATALOG = RoleCatalog.parse("""
      version: 1
      agent:
        name: hermes
        mfaSerial: arn:aws:iam::123456789012:mfa/hermes-dev-agent
      defaults:
        duration: 15m
        region: us-east-1
      roles:
        queue-worker:
          arn: arn:aws:iam::123456789012:role/hermes-dev-queue-worker
          description: Reads, sends and deletes messages on the export queue; invokes the report function.
          permissions:
            - effect: Allow
              actions: ["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage"]
              resources: ["arn:aws:sqs:us-east-1:123456789012:exports"]
            - effect: Allow
              actions: ["lambda:InvokeFunction"]
              resources: ["arn:aws:lambda:us-east-1:123456789012:function:report"]
            - effect: Allow
              actions: ["ecs:ListClusters"]
              resources: ["*"]
            - effect: Allow
              actions: ["kms:ReEncryptFrom", "kms:ReEncryptTo"]
              resources: ["arn:aws:kms:us-east-1:123456789012:key/*"]
      """, RoleCatalog.Format.YAML);

  @BeforeEach
  void setUp() {
    new StsStub(sts).succeeds(900);
    aws.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0")
        .withBody("{}")));
  }

  private AwsSessionFactory.Builder leasehold() {
    return Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving("111222"), audit).catalog(CATALOG);
  }

  private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> B local(B builder) {
    return builder.endpointOverride(URI.create("http://localhost:" + aws.getPort())).region(Region.US_EAST_1);
  }

  @Test
  void batchCallsNeedTheSingleCallsActionAndInvokeNeedsInvokeFunction() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON, "sqs:SendMessage",
             "lambda:InvokeFunction"))) {
      SqsClient sqs = session.client(local(SqsClient.builder()));
      sqs.sendMessageBatch(b -> b.queueUrl("http://localhost:" + aws.getPort() + "/123456789012/exports")
          .entries(e -> e.id("1").messageBody("row 1")));
      LambdaClient lambda = session.client(local(LambdaClient.builder()));
      lambda.invoke(b -> b.functionName("report").payload(SdkBytes.fromUtf8String("{}")));
    }
    assertThat(aws.findAll(anyRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
        .containsExactly("/", "/2015-03-31/functions/report/invocations");
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_ALLOWED).extracting(AuditEvent::action)
        .containsExactly("sqs:SendMessage", "lambda:InvokeFunction");
  }

  @Test
  void readsDoNotUseTheMutatingBudgetEvenWhenTheirVerbSoundsLikeAWrite() {
    try (AwsSessionFactory leasehold = leasehold().callBudget(new CallBudget(100, 1, 100)).build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON, "sqs:ReceiveMessage",
             "sqs:SendMessage"))) {
      SqsClient sqs = session.client(local(SqsClient.builder()));
      String url = "http://localhost:" + aws.getPort() + "/123456789012/exports";
      sqs.receiveMessage(b -> b.queueUrl(url)); // Read in AWS's access levels
      sqs.receiveMessage(b -> b.queueUrl(url));
      sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e -> e.id("1").messageBody("one")));
      assertThatThrownBy(() -> sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e -> e.id("2").messageBody("two"))))
          .isInstanceOf(CallBudgetExhaustedException.class).hasMessageContaining("1 mutating calls is used up");
    }
    assertThat(aws.findAll(anyRequestedFor(anyUrl()))).hasSize(3);
  }

  @Test
  void anOperationThatNeedsSeveralActionsNeedsEachOfThemInTheIntent() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON, "kms:ReEncryptFrom"))) {
      KmsClient kms = session.client(local(KmsClient.builder()));
      assertThatThrownBy(() -> kms.reEncrypt(b -> b.ciphertextBlob(SdkBytes.fromUtf8String("c")).destinationKeyId("k")))
          .isInstanceOfSatisfying(CallOutsideScopeException.class, e -> assertThat(e.action()).isEqualTo("kms:ReEncryptTo"))
          .hasMessageContaining("outside the session's declared intent [kms:ReEncryptFrom]");
    }
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON, "kms:ReEncryptFrom",
             "kms:ReEncryptTo"))) {
      KmsClient kms = session.client(local(KmsClient.builder()));
      kms.reEncrypt(b -> b.ciphertextBlob(SdkBytes.fromUtf8String("c")).destinationKeyId("k"));
    }
    assertThat(aws.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_ALLOWED).extracting(AuditEvent::action)
        .containsExactly("kms:ReEncryptFrom", "kms:ReEncryptTo");
  }

  @Test
  void anOperationWithNoKnownActionIsRefusedWithTheClosestActionsAndHowToMapIt() {
    try (AwsSessionFactory leasehold = leasehold().build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON))) {
      EcsClient ecs = session.client(local(EcsClient.builder()));
      assertThatThrownBy(() -> ecs.listGateways(b -> b.maxResults(10)))
          .isInstanceOfSatisfying(CallOutsideScopeException.class, e -> assertThat(e.action()).isEqualTo("ecs:ListGateways"))
          .hasMessageContaining("the SDK operation ecs:ListGateways maps to no IAM action in AWS's service "
              + "authorization data")
          .hasMessageContaining("the closest actions are ")
          .hasMessageContaining("AwsSessionFactory.builder().actionMapping(\"ecs:ListGateways\", \"prefix:Action\")");
    }
    assertThat(aws.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_REFUSED)
        .extracting(AuditEvent::action, AuditEvent::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ecs:ListGateways", "unmapped"));
  }

  @Test
  void aMappingTheUserAddsMakesTheOperationCheckable() {
    try (AwsSessionFactory leasehold = leasehold().actionMapping("ecs:ListGateways", "ecs:ListClusters").build();
         AgentSession session = leasehold.open(AccessRequest.of("queue-worker", REASON))) {
      EcsClient ecs = session.client(local(EcsClient.builder()));
      ecs.listGateways(b -> b.maxResults(10));
    }
    assertThat(aws.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.CALL_ALLOWED).extracting(AuditEvent::action)
        .containsExactly("ecs:ListClusters");
  }
}
