package dev.leasehold.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.UnknownRoleException;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/**
 * The broker on loopback with a FakeApprover, STS on WireMock with the real Query API, and real HTTP
 * clients: the JDK's, and the AWS SDK's own ContainerCredentialsProvider.
 */
class LeaseBrokerTest {
  static final String TOKEN = "hermes-client-token-0123456789abcdefghijklmnop";
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension wiremock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final StsStub sts = new StsStub(wiremock);
  final MutableClock clock = MutableClock.startingNow();
  final InMemoryAuditSink audit = new InMemoryAuditSink();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<AutoCloseable> toClose = new ArrayList<>();
  FakeApprover approver = FakeApprover.approving("481516");

  LeaseBroker start(FakeApprover approver, Duration stsLifetime, int threads) {
    this.approver = approver;
    wiremock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(clock.instant().plus(stsLifetime))));
    AwsSessionFactory factory = Leasehold.factory(sts.endpoint(), approver, audit).clock(clock).build();
    LeaseBroker broker = LeaseBroker.builder().sessions(factory).auditSink(audit).client("hermes", TOKEN)
        .clock(clock).threads(threads).start();
    toClose.add(factory);
    toClose.add(broker);
    return broker;
  }

  LeaseBroker start() {
    return start(FakeApprover.approving("481516"), Duration.ofMinutes(15), 16);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    System.clearProperty("aws.containerCredentialsFullUri");
    System.clearProperty("aws.containerAuthorizationToken");
  }

  BrokerClient client(LeaseBroker broker) {
    return new BrokerClient(broker.uri(), TOKEN, Duration.ofSeconds(30));
  }

  static AccessRequest deploy() {
    return AccessRequest.of("s3-deploy", REASON, "s3:PutObject");
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postLease(LeaseBroker broker, String body) throws Exception {
    return send(HttpRequest.newBuilder(broker.uri().resolve("/v1/leases")).header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> fetchCredentials(BrokerClient.Grant grant) throws Exception {
    return send(HttpRequest.newBuilder(grant.credentialsUri()).header("Authorization", grant.credentialsToken()));
  }

  @Test
  void theAwsSdksOwnContainerCredentialsProviderReadsTheLease() {
    LeaseBroker broker = start();
    BrokerClient.Grant grant = client(broker).request(deploy());
    System.setProperty("aws.containerCredentialsFullUri", grant.credentialsUri().toString());
    System.setProperty("aws.containerAuthorizationToken", grant.credentialsToken());

    try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
      AwsCredentials credentials = provider.resolveCredentials();

      assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
      AwsSessionCredentials session = (AwsSessionCredentials) credentials;
      assertThat(session.accessKeyId()).isEqualTo(StsStub.ACCESS_KEY_ID);
      assertThat(session.secretAccessKey()).isEqualTo(StsStub.SECRET_ACCESS_KEY);
      assertThat(session.sessionToken()).isEqualTo(StsStub.SESSION_TOKEN);
      assertThat(session.expirationTime()).contains(grant.expiresAt());
    }
    assertThat(grant.status()).isEqualTo("active");
    assertThat(grant.credentialsUri().getHost()).isEqualTo("127.0.0.1");
    assertThat(grant.credentialsUri().getPath()).isEqualTo("/v1/credentials/" + grant.id());
    assertThat(sts.form(0)).containsEntry("TokenCode", "481516").containsEntry("DurationSeconds", "900");
  }

  @Test
  void theCredentialsEndpointSpeaksTheContainerFormatAndEachLeaseHasItsOwnPathAndToken() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant first = client(broker).request(deploy());
    BrokerClient.Grant second = client(broker).request(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"));

    HttpResponse<String> response = fetchCredentials(first);
    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body.fieldNames()).toIterable()
        .containsExactly("AccessKeyId", "SecretAccessKey", "Token", "Expiration", "AccountId");
    assertThat(body.get("Token").asText()).isEqualTo(StsStub.SESSION_TOKEN);
    assertThat(Instant.parse(body.get("Expiration").asText())).isEqualTo(first.expiresAt());
    assertThat(body.get("AccountId").asText()).isEqualTo("123456789012");
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");

    assertThat(second.credentialsUri()).isNotEqualTo(first.credentialsUri());
    assertThat(second.credentialsToken()).isNotEqualTo(first.credentialsToken());
    HttpResponse<String> crossed = send(HttpRequest.newBuilder(first.credentialsUri())
        .header("Authorization", second.credentialsToken()));
    HttpResponse<String> clientTokenInstead = send(HttpRequest.newBuilder(first.credentialsUri())
        .header("Authorization", TOKEN));
    assertThat(crossed.statusCode()).isEqualTo(401);
    assertThat(clientTokenInstead.statusCode()).isEqualTo(401);
    assertThat(crossed.body()).doesNotContain(StsStub.ACCESS_KEY_ID);
  }

  @Test
  void refreshesOfTheSameLeaseNeverReachTheHuman() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant grant = client(broker).request(deploy());

    for (int i = 0; i < 25; i++) {
      assertThat(fetchCredentials(grant).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(sts.assumeRoleRequests()).hasSize(1);
  }

  @Test
  void aLeaseTooShortForTheSdksGetsAClearErrorSayingANewApprovalIsNeededNeverANewPrompt() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant grant = client(broker).request(deploy());
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    HttpResponse<String> response = fetchCredentials(grant);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(response.body()).get("Message").asText())
        .contains("new lease needs a new approval", "under the 10m AWS SDKs need");
    assertThat(response.body()).doesNotContain(StsStub.ACCESS_KEY_ID, StsStub.SESSION_TOKEN);
    assertThat(approver.requestCount()).isEqualTo(1);
  }

  @Test
  void aLiveLeaseOfTheTaskThatIsTooShortIsEndedAndTheNextRequestIsApprovedAgain() {
    LeaseBroker broker = start();
    BrokerClient.Grant first = client(broker).request(deploy());
    clock.advance(Duration.ofMinutes(6));
    wiremock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(clock.instant().plus(Duration.ofMinutes(15)))));

    BrokerClient.Grant second = client(broker).request(deploy());

    assertThat(second.expiresAt()).isAfter(first.expiresAt());
    assertThat(approver.requestCount()).isEqualTo(2);
    assertThat(client(broker).status(second.id()).status()).isEqualTo("active");
  }

  @Test
  void endingALeaseEarlyClosesTheSessionAndTheEndpointRefusesIt() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant grant = client(broker).request(deploy());

    client(broker).end(grant.id());

    HttpResponse<String> response = fetchCredentials(grant);
    assertThat(response.statusCode()).isIn(401, 403);
    assertThat(response.body()).doesNotContain(StsStub.ACCESS_KEY_ID);
    assertThat(audit.types()).containsSubsequence(AuditEventType.ASSUMED, AuditEventType.CLOSED);
  }

  @Test
  void aLeaseSharedByTwoClientsOfTheSameTaskEndsWhenTheLastLetsGo() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant first = client(broker).request(deploy());
    BrokerClient.Grant second = client(broker).request(deploy());

    client(broker).end(first.id());
    assertThat(fetchCredentials(second).statusCode()).isEqualTo(200);
    client(broker).end(second.id());

    assertThat(fetchCredentials(second).statusCode()).isIn(401, 403);
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(audit.types()).containsOnlyOnce(AuditEventType.CLOSED);
  }

  @Test
  void rolesAreListedWithTheirDescriptions() {
    LeaseBroker broker = start();

    List<BrokerClient.Role> roles = client(broker).roles();

    assertThat(roles).extracting(BrokerClient.Role::key).containsExactly("ec2-read", "s3-deploy", "prod-s3-read",
        "platform-read");
    assertThat(roles.get(1).description()).isEqualTo("Read and write, never delete, on the single deploy bucket.");
    assertThat(roles.get(1).actions()).isNotEmpty().contains("s3:PutObject").doesNotContain("s3:DeleteObject");
    assertThat(roles.get(1).duration()).isNotBlank();
  }

  @Test
  void aMissingOrWrongTokenGets401WithNoDetailAndAnAuditRecord() throws Exception {
    LeaseBroker broker = start();
    URI roles = broker.uri().resolve("/v1/roles");

    HttpResponse<String> missing = send(HttpRequest.newBuilder(roles));
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(roles).header("Authorization", "Bearer " + TOKEN + "x"));
    HttpResponse<String> notBearer = send(HttpRequest.newBuilder(roles).header("Authorization", TOKEN));

    for (HttpResponse<String> r : List.of(missing, wrong, notBearer)) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).isEqualTo("{\"Message\":\"Unauthorized\"}");
    }
    List<AuditEvent> refused = audit.events().stream().filter(e -> "unauthenticated".equals(e.outcome())).toList();
    assertThat(refused).hasSize(3);
    assertThat(refused.get(0).cause()).contains("missing client token", "GET /v1/roles");
    assertThat(refused.get(1).cause()).contains("wrong client token").doesNotContain(TOKEN);
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void badRequestsGetTheLibrarysOwnErrorBeforeAnyHumanIsAsked() throws Exception {
    LeaseBroker broker = start();

    HttpResponse<String> unknown = postLease(broker, "{\"role\":\"admin\",\"reason\":\"" + REASON + "\"}");
    HttpResponse<String> vague = postLease(broker, "{\"role\":\"s3-deploy\",\"reason\":\"do work\"}");
    HttpResponse<String> outOfScope = postLease(broker, "{\"role\":\"s3-deploy\",\"reason\":\"" + REASON
        + "\",\"intent\":[\"s3:DeleteObject\"]}");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("message").asText()).isEqualTo(
        new UnknownRoleException("admin", List.of("ec2-read", "s3-deploy", "prod-s3-read", "platform-read")).getMessage());
    assertThat(vague.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(vague.body()).get("error").asText()).isEqualTo("InvalidRequestException");
    assertThat(outOfScope.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(outOfScope.body()).get("error").asText()).isEqualTo("OutOfScopeException");
    assertThat(JSON.readTree(outOfScope.body()).get("message").asText()).contains("does not allow s3:DeleteObject");
    assertThat(approver.requestCount()).isZero();
    assertThat(sts.assumeRoleRequests()).isEmpty();

    assertThatThrownBy(() -> client(broker).request(AccessRequest.of("admin", REASON)))
        .isInstanceOf(UnknownRoleException.class).hasMessageContaining("Unknown role 'admin'");
  }

  @Test
  void malformedOrOversizedJsonGets400() throws Exception {
    LeaseBroker broker = start();

    HttpResponse<String> garbled = postLease(broker, "{\"role\": \"s3-deploy\", ");
    HttpResponse<String> notAnObject = postLease(broker, "[1,2,3]");
    HttpResponse<String> wrongType = postLease(broker, "{\"role\": 7, \"reason\": \"" + REASON + "\"}");
    HttpResponse<String> unknownField = postLease(broker, "{\"role\":\"s3-deploy\",\"reason\":\"" + REASON
        + "\",\"policy\":\"*\"}");
    HttpResponse<String> oversized = postLease(broker, "{\"role\":\"s3-deploy\",\"reason\":\"" + "x".repeat(20_000) + "\"}");

    for (HttpResponse<String> r : List.of(garbled, notAnObject, wrongType, unknownField, oversized)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("InvalidRequestException");
    }
    assertThat(approver.requestCount()).isZero();
  }

  @Test
  void aPendingHandleCanBePolledUntilTheHumanDecides() throws Exception {
    LeaseBroker broker = start(FakeApprover.scripted().approve("481516").latency(Duration.ofMillis(300)).build(),
        Duration.ofMinutes(15), 16);

    BrokerClient.Grant pending = client(broker).request(deploy(), false);
    assertThat(pending.status()).isEqualTo("pending");
    assertThat(pending.credentialsToken()).isNull();

    BrokerClient.Grant now = pending;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (now.status().equals("pending") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      now = client(broker).status(pending.id());
    }
    assertThat(now.status()).isEqualTo("active");
    assertThat(fetchCredentials(now).statusCode()).isEqualTo(200);
  }

  @Test
  void aPendingHandleThatIsDeniedReportsTheTypedFailureOnceThenIsForgotten() throws Exception {
    LeaseBroker broker = start(FakeApprover.scripted().deny("not during the freeze").build(), Duration.ofMinutes(15), 16);

    BrokerClient.Grant pending = client(broker).request(deploy(), false);
    BrokerClient.Grant now = pending;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (now.status().equals("pending") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = client(broker).status(pending.id());
    }

    assertThat(now.status()).isEqualTo("failed");
    assertThat(BrokerClient.failure(now)).isInstanceOf(dev.leasehold.ApprovalDeniedException.class)
        .hasMessageContaining("not during the freeze");
    assertThatThrownBy(() -> client(broker).status(pending.id()))
        .isInstanceOf(dev.leasehold.SessionExpiredException.class).hasMessageContaining("No lease");
  }

  @Test
  void eachClientSeesAndEndsOnlyItsOwnLeases() throws Exception {
    String otherToken = LeaseBroker.newToken();
    wiremock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(clock.instant().plus(Duration.ofMinutes(15)))));
    AwsSessionFactory factory = Leasehold.factory(sts.endpoint(), approver, audit).clock(clock).build();
    LeaseBroker broker = LeaseBroker.builder().sessions(factory).auditSink(audit).client("hermes", TOKEN)
        .client("athena", otherToken).clock(clock).start();
    toClose.add(factory);
    toClose.add(broker);
    BrokerClient.Grant hermes = client(broker).request(deploy());
    BrokerClient athena = new BrokerClient(broker.uri(), otherToken, Duration.ofSeconds(30));

    assertThatThrownBy(() -> athena.status(hermes.id())).isInstanceOf(dev.leasehold.SessionExpiredException.class);
    athena.end(hermes.id());

    assertThat(fetchCredentials(hermes).statusCode()).isEqualTo(200);
    assertThat(client(broker).status(hermes.id()).status()).isEqualTo("active");
  }

  @Test
  void aThousandConcurrentRequestsForOneTaskMakeOnePromptAndOneAssumeRole() {
    LeaseBroker broker = start(FakeApprover.scripted().approve("481516").latency(Duration.ofMillis(500)).build(),
        Duration.ofMinutes(15), 64);
    String body = "{\"role\":\"s3-deploy\",\"reason\":\"" + REASON + "\",\"intent\":[\"s3:PutObject\"]}";
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      responses.add(http.sendAsync(HttpRequest.newBuilder(broker.uri().resolve("/v1/leases"))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    List<Integer> statuses = responses.stream().map(f -> f.join().statusCode()).toList();

    assertThat(statuses).hasSize(1000).containsOnly(201);
    assertThat(approver.requestCount()).isEqualTo(1);
    assertThat(sts.assumeRoleRequests()).hasSize(1);
  }

  @Test
  void aClientThatHangsUpWhileWaitingLeavesNoLeaseBehind() throws Exception {
    LeaseBroker broker = start(FakeApprover.scripted().approve("481516").latency(Duration.ofMillis(400)).build(),
        Duration.ofMinutes(15), 16);
    byte[] body = ("{\"role\":\"s3-deploy\",\"reason\":\"" + REASON + "\"}").getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(broker.uri().getHost(), broker.uri().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/leases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      Thread.sleep(100);
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!audit.types().contains(AuditEventType.CLOSED) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(audit.types()).containsSubsequence(AuditEventType.APPROVED, AuditEventType.ASSUMED,
        AuditEventType.CLOSED);
  }

  @Test
  void slowClientsDoNotStarveOthers() throws Exception {
    LeaseBroker broker = start(FakeApprover.approving("481516"), Duration.ofMinutes(15), 2);
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(broker.uri().getHost(), broker.uri().getPort()));
        s.getOutputStream().write("GET /v1/roles HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
      }
      long start = System.nanoTime();
      HttpResponse<String> roles = http.send(HttpRequest.newBuilder(broker.uri().resolve("/v1/roles"))
          .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(roles.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void theBrokerBindsLoopbackOnlyUnlessToldOtherwise() {
    AwsSessionFactory factory = Leasehold.factory(sts.endpoint(), approver, audit).build();
    toClose.add(factory);

    assertThatThrownBy(() -> LeaseBroker.builder().sessions(factory).auditSink(audit).clientToken(TOKEN)
        .listen(new InetSocketAddress("0.0.0.0", 0)).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("loopback only");
    LeaseBroker exposed = LeaseBroker.builder().sessions(factory).auditSink(audit).clientToken(TOKEN)
        .listen(new InetSocketAddress("0.0.0.0", 0)).allowNonLoopback().start();
    toClose.add(exposed);
    assertThat(exposed.uri().getPort()).isPositive();
  }

  @Test
  void shortTokensAreRefusedAndGeneratedOnesAreLongAndRandom() {
    assertThatThrownBy(() -> LeaseBroker.builder().clientToken("short-token"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32");
    String a = LeaseBroker.newToken();
    assertThat(a).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(LeaseBroker.newToken());
  }

  @Test
  void noSecretReachesTheAuditTrailOrTheAgentApi() throws Exception {
    LeaseBroker broker = start();
    BrokerClient.Grant grant = client(broker).request(deploy());
    HttpResponse<String> status = send(HttpRequest.newBuilder(broker.uri().resolve("/v1/leases/" + grant.id()))
        .header("Authorization", "Bearer " + TOKEN));
    fetchCredentials(grant);
    client(broker).end(grant.id());

    String everything = audit.events().toString() + status.body() + grant + broker;
    assertThat(everything).doesNotContain(StsStub.ACCESS_KEY_ID, StsStub.SECRET_ACCESS_KEY, StsStub.SESSION_TOKEN,
        "481516", TOKEN, Leasehold.BASE_SECRET);
  }
}
