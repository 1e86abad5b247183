package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

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
import software.amazon.awssdk.core.sync.RequestBody;
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
  void redactedTypesPrintNoValues() {
    assertThat(Map.of("code", MfaCode.of(CODE)).toString()).doesNotContain(CODE);
  }
}
