package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.internal.CredentialGuard;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Plants known secrets (STS credentials, the base identity's secret, MFA codes) and searches every log
 * line at every level, every exception message and stack, every {@code toString()} and the audit file.
 */
class LeakTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  static final String CODE = "739201";
  static final String SECOND_CODE = "604118";
  static final List<String> SECRETS = List.of(StsStub.SECRET_ACCESS_KEY, StsStub.SESSION_TOKEN, Leasehold.BASE_SECRET, CODE, SECOND_CODE);

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level previous;

  @BeforeEach
  void captureEverything() {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    // The documented setting: the SDK prints session tokens on these loggers at DEBUG (see README).
    for (String name : CredentialGuard.LEAKY_LOGGERS) {
      context().getLogger(name).setLevel(Level.INFO);
    }
    logs.start();
    root.addAppender(logs);
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  @AfterEach
  void restore() {
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logs);
    root.setLevel(previous);
    for (String name : CredentialGuard.LEAKY_LOGGERS) {
      context().getLogger(name).setLevel(null);
    }
    context().getLogger("org.java_websocket").setLevel(null);
  }

  @Test
  void theFactoryWarnsWhenAnSdkLoggerThatPrintsTokensIsAtDebug() {
    context().getLogger(CredentialGuard.LEAKY_LOGGERS.get(0)).setLevel(Level.DEBUG);
    try (AwsSessionFactory ignored = Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving(CODE),
        new dev.leasehold.audit.InMemoryAuditSink()).build()) {
      assertThat(logs.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains(CredentialGuard.LEAKY_LOGGERS.get(0), "session token");
      });
    }
  }

  @Test
  void theSlackWebSocketLoggerIsOneOfTheCheckedLoggers() {
    assertThat(CredentialGuard.LEAKY_LOGGERS).contains("org.java_websocket");
  }

  @Test
  void refuseLeakyLoggersRefusesToBuildNamingTheLoggerThatIsAtDebug() {
    context().getLogger("org.java_websocket").setLevel(Level.DEBUG);
    assertThatThrownBy(() -> Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving(CODE),
        new dev.leasehold.audit.InMemoryAuditSink()).refuseLeakyLoggers().build())
        .isInstanceOf(UnsafeCredentialsException.class)
        .hasMessageContaining("org.java_websocket")
        .hasMessageNotContaining(CredentialGuard.LEAKY_LOGGERS.get(0));

    context().getLogger("org.java_websocket").setLevel(Level.TRACE);
    context().getLogger(CredentialGuard.LEAKY_LOGGERS.get(0)).setLevel(Level.DEBUG);
    assertThatThrownBy(() -> Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving(CODE),
        new dev.leasehold.audit.InMemoryAuditSink()).refuseLeakyLoggers().build())
        .isInstanceOf(UnsafeCredentialsException.class)
        .hasMessageContaining("org.java_websocket").hasMessageContaining(CredentialGuard.LEAKY_LOGGERS.get(0));
  }

  @Test
  void refuseLeakyLoggersBuildsWhileEveryCheckedLoggerIsAtInfo() {
    try (AwsSessionFactory leasehold = Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving(CODE),
        new dev.leasehold.audit.InMemoryAuditSink()).refuseLeakyLoggers().build()) {
      assertThat(leasehold).isNotNull();
    }
  }

  /**
   * An interceptor that modifies the request (as tracing and header-adding interceptors do) makes the SDK
   * print the old and the new request, {@code TokenCode} included, at TRACE. Only the documented loggers are
   * held at INFO here; everything else runs at TRACE.
   */
  @Test
  void anAssumeRoleThroughAnInjectedClientWithAModifyingInterceptorNeverLogsTheCode() {
    StsStub stub = new StsStub(sts).succeeds(900);
    ExecutionInterceptor tracing = new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return context.request() instanceof AssumeRoleRequest r
            ? r.toBuilder().overrideConfiguration(c -> c.putHeader("x-trace-id", "t-1")).build()
            : context.request();
      }
    };
    try (StsClient client = StsClient.builder().region(Region.US_EAST_1).endpointOverride(stub.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(Leasehold.BASE_KEY_ID, Leasehold.BASE_SECRET)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(tracing))
        .build();
         AwsSessionFactory leasehold = AwsSessionFactory.builder().catalog(dev.leasehold.support.TestCatalogs.reference())
             .approvalChannel(FakeApprover.approving(CODE)).auditSink(new dev.leasehold.audit.InMemoryAuditSink())
             .stsClient(client).environment(Map.of()).systemProperties(new java.util.Properties()).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))) {
      assertThat(session.intent()).containsExactly("s3:PutObject");
    }
    assertThat(stub.form(0)).containsEntry("TokenCode", CODE);
    assertThat(sts.getAllServeEvents()).anySatisfy(e -> assertThat(e.getRequest().getHeader("x-trace-id")).isEqualTo("t-1"));
    assertThat(logs.list).as("the SDK logged at TRACE, so the search means something")
        .anySatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.TRACE));
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).as("logger %s", event.getLoggerName()).doesNotContain(CODE);
    }
  }

  @Test
  void noSecretReachesLogsMessagesToStringsOrTheAuditFile() throws Exception {
    new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    Path auditFile = dir.resolve("audit.jsonl");
    List<String> seen = new ArrayList<>();
    List<Throwable> thrown = new ArrayList<>();
    FakeApprover approver = FakeApprover.scripted().approver("alice").approve(CODE).deny("no").approve(SECOND_CODE).build();

    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(auditFile);
         AwsSessionFactory leasehold = Leasehold.factory(new StsStub(sts).endpoint(), approver, sink).build()) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject", "s3:PutObject"));
      S3Client client = session.client(S3Client.builder()
          .endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true));
      client.putObject(b -> b.bucket("hermes-dev-deploy").key("a"), RequestBody.fromString("a"));
      client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      thrown.add(catching(() -> client.deleteObject(b -> b.bucket("hermes-dev-deploy").key("a"))));
      seen.add(session.toString());
      seen.add(session.exportCredentials("check that the lease resolves to the planted test credentials").toString());
      seen.add(leasehold.toString());
      seen.add(approver.toString());
      approver.requests().forEach(r -> seen.add(r.toString()));
      approver.decisions().forEach(d -> seen.add(d.toString()));
      seen.add(Decision.Approved.withCode("x", "alice", MfaCode.of(CODE)).toString());
      seen.add(MfaCode.of(SECOND_CODE).toString());
      thrown.add(catching(() -> MfaCode.of(CODE + "0")));
      thrown.add(catching(() -> leasehold.open(AccessRequest.of("ec2-read", "list running instances in the staging account"))));
      session.close();
      thrown.add(catching(() -> session.exportCredentials("check that the lease resolves to the planted test credentials").resolveCredentials()));

      sts.resetAll();
      sts.stubFor(any(anyUrl()).willReturn(StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_INVALID)));
      thrown.add(catching(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON + " again", "s3:GetObject"))));
    }

    for (Throwable t : thrown) {
      assertThat(t).as("every scripted failure happened").isNotNull();
      for (Throwable c = t; c != null; c = c.getCause()) {
        seen.add(String.valueOf(c.getMessage()));
        seen.add(c.toString());
        for (StackTraceElement e : c.getStackTrace()) {
          seen.add(e.toString());
        }
      }
    }
    for (ILoggingEvent event : logs.list) {
      seen.add(event.getFormattedMessage());
      for (IThrowableProxy p = event.getThrowableProxy(); p != null; p = p.getCause()) {
        seen.add(p.getMessage());
      }
    }
    seen.add(Files.readString(auditFile));

    assertThat(logs.list).as("the run logged at fine levels, so the search means something").hasSizeGreaterThan(50);
    assertThat(Files.readString(auditFile)).contains("\"type\":\"assumed\"", "\"type\":\"call-refused\"", "\"type\":\"assume-failed\"");
    for (String secret : SECRETS) {
      assertThat(seen).as("no output contains %s", secret.substring(0, 4) + "...").noneMatch(s -> s != null && s.contains(secret));
    }
  }

  private static Throwable catching(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void theAuditKeyReachesNoLogMessageToStringOrRecord() throws Exception {
    byte[] keyBytes = "leasehold-leak-test-audit-key-0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<String> keySpellings = List.of(new String(keyBytes, java.nio.charset.StandardCharsets.US_ASCII),
        java.util.Base64.getEncoder().encodeToString(keyBytes), java.util.HexFormat.of().formatHex(keyBytes));
    Path keyFile = dir.resolve("audit.key");
    Files.writeString(keyFile, keySpellings.get(1) + "\n");
    Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    AuditKey key = AuditKey.fromFile(keyFile);
    new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    Path auditFile = dir.resolve("keyed.jsonl");
    AuditLog settings = AuditLog.builder(auditFile).key(key).build();
    List<String> seen = new ArrayList<>();
    List<Throwable> thrown = new ArrayList<>();

    try (AwsSessionFactory leasehold = Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving(CODE))
             .auditLog(settings).build();
         AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"))) {
      session.client(S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true))
          .getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
      seen.add(leasehold.toString());
      seen.add(session.toString());
    }
    seen.add(key.toString());
    seen.add(settings.toString());
    thrown.add(catching(() -> new JsonLinesAuditSink(auditFile)));
    thrown.add(catching(() -> new JsonLinesAuditSink(AuditLog.builder(auditFile).key(AuditKey.of(new byte[32])).build())));
    Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    thrown.add(catching(() -> AuditKey.fromFile(keyFile)));
    seen.add(AuditVerifier.verify(auditFile, AuditKey.of(new byte[32])).problem());

    for (Throwable t : thrown) {
      assertThat(t).as("every scripted failure happened").isNotNull();
      for (Throwable c = t; c != null; c = c.getCause()) {
        seen.add(String.valueOf(c.getMessage()));
        seen.add(c.toString());
      }
    }
    logs.list.forEach(event -> seen.add(event.getFormattedMessage()));
    seen.add(Files.readString(auditFile));

    assertThat(AuditVerifier.verify(auditFile, key).intact()).isTrue();
    assertThat(logs.list).as("the run logged at fine levels, so the search means something").hasSizeGreaterThan(20);
    for (String spelling : keySpellings) {
      assertThat(seen).as("no output contains the audit key").noneMatch(s -> s != null && s.contains(spelling));
    }
  }

  @Test
  void redactedTypesPrintNoValues() {
    assertThat(Map.of("code", MfaCode.of(CODE)).toString()).doesNotContain(CODE);
  }
}
