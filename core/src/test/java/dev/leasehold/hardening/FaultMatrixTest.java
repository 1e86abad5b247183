package dev.leasehold.hardening;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AssumeRoleFailedException.Category;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.RetrySettings;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.internal.CredentialGuard;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The fault matrix of issue 9: every way STS can fail, answered over real HTTP by a WireMock stand-in
 * speaking STS's wire format, against a real factory with a real STS client. For each fault: a typed
 * {@link AssumeRoleFailedException} with the expected category, exactly the expected number of attempts on
 * the wire, no hang (an elapsed-time bound), an intact audit trail ending in {@code assume-failed} with
 * the category as its outcome, and no secret (the MFA code, the base secret, credentials planted in the
 * response) in the exception chain, the logs at TRACE or the audit file.
 *
 * <p>The table in {@code docs/hardening.md} lists the same faults; {@link #theDocumentedTableListsExactlyTheseFaults()}
 * keeps the two in step.
 */
class FaultMatrixTest {
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";
  static final Path DOC = Path.of("..", "docs", "hardening.md");
  static final int RETRIED = Leasehold.FAST_RETRY.maxAttempts();
  /** Tight limits for the slow-response row, so it proves the bound without slowing the build. */
  static final RetrySettings TIGHT =
      new RetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(1));

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level previousRoot;

  /**
   * One fault.
   *
   * @param name the fault, as the first column of the table in docs/hardening.md
   * @param response what the stand-in answers (null: the endpoint refuses connections)
   * @param category the expected category
   * @param attempts the AssumeRole requests expected on the wire
   * @param bound the longest the whole open() may take
   * @param retry the retry settings
   */
  record Row(String name, ResponseDefinitionBuilder response, Category category, int attempts, Duration bound,
      RetrySettings retry) {
    Row(String name, ResponseDefinitionBuilder response, Category category, int attempts) {
      this(name, response, category, attempts, Duration.ofSeconds(5), Leasehold.FAST_RETRY);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Row> rows() {
    return List.of(
        new Row("400 Throttling", StsStub.error(400, "Sender", "Throttling", "Rate exceeded"),
            Category.THROTTLED, RETRIED),
        new Row("403 AccessDenied (trust policy)", StsStub.error(403, "Sender", "AccessDenied",
            "User: arn:aws:iam::123456789012:user/agents/hermes-dev-agent is not authorized to perform: sts:AssumeRole"),
            Category.ACCESS_DENIED, 1),
        new Row("403 AccessDenied: invalid MFA code", StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_INVALID),
            Category.MFA_CODE_REJECTED, 1),
        new Row("403 AccessDenied: MFA serial unverifiable",
            StsStub.error(403, "Sender", "AccessDenied", StsStub.MFA_UNVERIFIABLE), Category.MFA_CODE_REJECTED, 1),
        new Row("403 ExpiredToken", StsStub.error(403, "Sender", "ExpiredToken",
            "The security token included in the request is expired"), Category.EXPIRED_BASE_CREDENTIALS, 1),
        new Row("400 ExpiredTokenException", StsStub.error(400, "Sender", "ExpiredTokenException",
            "The security token included in the request is expired"), Category.EXPIRED_BASE_CREDENTIALS, 1),
        new Row("403 RegionDisabledException", StsStub.error(403, "Sender", "RegionDisabledException",
            "STS is not activated in this region for account:123456789012."), Category.REGION_DISABLED, 1),
        new Row("400 PackedPolicyTooLarge", StsStub.error(400, "Sender", "PackedPolicyTooLarge",
            "Packed policy consumes 112% of allotted space, please use smaller policy."), Category.POLICY_TOO_LARGE, 1),
        new Row("400 MalformedPolicyDocument", StsStub.error(400, "Sender", "MalformedPolicyDocument",
            "The policy is not in the valid JSON format."), Category.MALFORMED_POLICY, 1),
        new Row("400 ValidationError (DurationSeconds)", StsStub.error(400, "Sender", "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), Category.DURATION_TOO_LONG, 1),
        new Row("500 InternalFailure", StsStub.error(500, "Receiver", "InternalFailure",
            "We encountered an internal error. Please try again."), Category.UNAVAILABLE, RETRIED),
        new Row("503 ServiceUnavailable", StsStub.error(503, "Receiver", "ServiceUnavailable", "Service unavailable"),
            Category.UNAVAILABLE, RETRIED),
        new Row("503 HTML page (load balancer)", aResponse().withStatus(503).withHeader("Content-Type", "text/html")
            .withBody("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"), Category.UNAVAILABLE, RETRIED),
        new Row("Connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), Category.UNAVAILABLE, RETRIED),
        new Row("Empty response (connection closed)", aResponse().withFault(Fault.EMPTY_RESPONSE), Category.UNAVAILABLE, RETRIED),
        new Row("Garbage bytes, then close", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE), Category.UNAVAILABLE, RETRIED),
        new Row("Connection refused", null, Category.UNAVAILABLE, 0),
        new Row("200 truncated XML (cut inside the credentials)", xml(successBody().substring(0,
            successBody().indexOf(StsStub.SESSION_TOKEN) + 20)), Category.UNAVAILABLE, RETRIED),
        new Row("200 malformed XML", xml("<AssumeRoleResponse xmlns=\"" + StsStub.NS + "\"><AssumeRoleResult><Credentials>"
            + "<AccessKeyId>" + StsStub.ACCESS_KEY_ID + "</SecretAccessKey></Credentials>"), Category.UNAVAILABLE, RETRIED),
        new Row("200 not XML", xml("{\"Credentials\":{\"SecretAccessKey\":\"" + StsStub.SECRET_ACCESS_KEY + "\"}}"),
            Category.UNAVAILABLE, RETRIED),
        new Row("200 without Credentials", xml("<AssumeRoleResponse xmlns=\"" + StsStub.NS + "\"><AssumeRoleResult>"
            + "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult></AssumeRoleResponse>"), Category.UNAVAILABLE, 1),
        new Row("200 without Expiration", xml(successBody().replaceAll("<Expiration>[^<]*</Expiration>", "")),
            Category.UNAVAILABLE, 1),
        new Row("Response slower than the attempt timeout",
            StsStub.success(Instant.now().plusSeconds(900)).withFixedDelay(3_000), Category.UNAVAILABLE, 2,
            Duration.ofMillis(2_500), TIGHT));
  }

  private static String successBody() {
    return StsStub.success(Instant.parse("2030-01-01T00:00:00Z")).build().getBody();
  }

  private static ResponseDefinitionBuilder xml(String body) {
    return StsStub.xml(200, body);
  }

  @BeforeEach
  void captureLogs() {
    Logger root = context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousRoot = root.getLevel();
    root.setLevel(Level.TRACE);
    for (String name : CredentialGuard.LEAKY_LOGGERS) {
      context().getLogger(name).setLevel(Level.INFO);
    }
    // WireMock's own server logs are the stand-in's business, not Leasehold's output.
    context().getLogger("wiremock").setLevel(Level.WARN);
    context().getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void restoreLogs() {
    Logger root = context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(logs);
    root.setLevel(previousRoot);
    for (String name : CredentialGuard.LEAKY_LOGGERS) {
      context().getLogger(name).setLevel(null);
    }
    context().getLogger("wiremock").setLevel(null);
    context().getLogger("org.eclipse.jetty").setLevel(null);
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  static Stream<Row> faults() {
    return rows().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void eachFaultIsTypedBoundedAuditedAndLeaksNothing(Row row) throws Exception {
    String code = String.format(Locale.ROOT, "%06d", 100_000 + Math.floorMod(row.name().hashCode(), 900_000));
    URI endpoint;
    if (row.response() == null) {
      endpoint = URI.create("http://127.0.0.1:" + closedPort());
    } else {
      sts.stubFor(post(urlEqualTo("/")).willReturn(row.response()));
      endpoint = new StsStub(sts).endpoint();
    }
    Path auditFile = dir.resolve("audit.jsonl");

    long start = System.nanoTime();
    Throwable thrown;
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(auditFile);
         AwsSessionFactory leasehold = Leasehold.factory(endpoint, FakeApprover.approving(code), sink).retry(row.retry()).build()) {
      thrown = catchThrowable(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(thrown).as("typed outcome").isInstanceOfSatisfying(AssumeRoleFailedException.class, e -> {
      assertThat(e.category()).isEqualTo(row.category());
      assertThat(e.roleKey()).isEqualTo("s3-deploy");
    });
    assertThat(new StsStub(sts).assumeRoleRequests()).as("attempts on the wire").hasSize(row.attempts());
    assertThat(elapsed).as("no hang").isLessThan(row.bound());

    AuditVerification verification = AuditVerifier.verify(auditFile);
    assertThat(verification.intact()).as(verification.problem()).isTrue();
    List<String> lines = Files.readAllLines(auditFile, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("\"type\":\"requested\"");
    assertThat(lines.get(1)).contains("\"type\":\"approved\"");
    assertThat(lines.get(2)).contains("\"type\":\"assume-failed\"",
        "\"outcome\":\"" + row.category().name().toLowerCase(Locale.ROOT) + "\"");

    List<String> seen = new ArrayList<>(lines);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      seen.add(t.toString());
      for (Throwable s : t.getSuppressed()) {
        seen.add(s.toString());
      }
    }
    for (ILoggingEvent event : logs.list) {
      seen.add(event.getFormattedMessage());
      for (IThrowableProxy p = event.getThrowableProxy(); p != null; p = p.getCause()) {
        seen.add(p.getMessage());
      }
    }
    for (String secret : List.of(code, Leasehold.BASE_SECRET, StsStub.SECRET_ACCESS_KEY, StsStub.SESSION_TOKEN)) {
      assertThat(seen).as("no output contains %s...", secret.substring(0, 3)).noneMatch(s -> s != null && s.contains(secret));
    }
  }

  @Test
  void theDocumentedTableListsExactlyTheseFaults() throws IOException {
    List<String> table = Files.readAllLines(DOC, StandardCharsets.UTF_8).stream()
        .dropWhile(l -> !l.startsWith("| Fault |"))
        .skip(2)
        .takeWhile(l -> l.startsWith("|"))
        .toList();
    assertThat(table).as("rows of the fault table in %s", DOC).hasSize(rows().size());
    for (Row row : rows()) {
      assertThat(table).as("a row for '%s'", row.name()).anySatisfy(line -> {
        String[] cells = line.split("\\|");
        assertThat(cells[1].strip()).isEqualTo(row.name());
        assertThat(line).contains("`" + row.category() + "`");
        assertThat(cells[4].strip()).startsWith(String.valueOf(row.attempts()));
      });
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
