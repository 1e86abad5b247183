package dev.leasehold.fleet.postgres;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalRateLimitedException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.GuardRails;
import dev.leasehold.RetrySettings;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Three brokers in one JVM, each a real {@link LeaseBroker} over its own {@link AwsSessionFactory} and
 * {@link PostgresFleet}, coordinating through one real PostgreSQL; agents ask them over HTTP in client mode; one
 * STS stand-in and one human ({@link FakeApprover}) behind all three.
 */
class FleetAcceptanceTest {
  static final String TOKEN = "hermes-client-token-0123456789abcdefghijklmnop";
  static final String REASON = "upload release 1.4.2 artifacts to the deploy bucket";
  static final String[] SECRETS = {StsStub.SECRET_ACCESS_KEY, StsStub.SESSION_TOKEN, StsStub.ACCESS_KEY_ID};

  @RegisterExtension
  static WireMockExtension wiremock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final HandOffKey key = HandOffKey.generate();
  final List<AutoCloseable> toClose = new ArrayList<>();
  final ExecutorService pool = Executors.newFixedThreadPool(30);
  StsStub sts;
  String url;

  record Broker(String name, InMemoryAuditSink audit, AwsSessionFactory agent) {}

  @BeforeEach
  void setUp() {
    sts = new StsStub(wiremock);
    wiremock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(Instant.now().plusSeconds(900))));
    wiremock.stubFor(put(urlPathMatching("/hermes-dev-deploy/.*")).willReturn(aResponse().withStatus(200)
        .withHeader("ETag", "\"0123456789abcdef0123456789abcdef\"")));
    url = FleetDatabases.newDatabase();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
    FleetDatabases.server().restart();
  }

  Broker broker(String name, ApprovalChannel human) {
    PostgresFleet fleet = FleetDatabases.fleet(url).brokerId(name).connectionTimeout(Duration.ofSeconds(1)).start();
    toClose.add(fleet);
    InMemoryAuditSink audit = new InMemoryAuditSink();
    AwsSessionFactory factory = Leasehold.factory(URI.create(wiremock.baseUrl()), human, audit)
        .coordination(fleet.coordination(key))
        .guardRails(new GuardRails(3, Duration.ofMinutes(10), Duration.ofMinutes(10)))
        // Generous attempts: a slow first call on a busy machine must not be retried into a second AssumeRole.
        .retry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(20),
            Duration.ofSeconds(40)))
        .build();
    toClose.add(factory);
    LeaseBroker broker = LeaseBroker.builder().sessions(factory).auditSink(audit).client("hermes", TOKEN).start();
    toClose.add(broker);
    AwsSessionFactory agent = AwsSessionFactory.builder().catalog(TestCatalogs.reference()).broker(broker.uri(), TOKEN)
        .environment(Map.of()).systemProperties(new Properties()).build();
    toClose.add(agent);
    return new Broker(name, audit, agent);
  }

  List<Broker> three(ApprovalChannel human) {
    return List.of(broker("broker-a", human), broker("broker-b", human), broker("broker-c", human));
  }

  @Test
  void thirtyConcurrentRequestsForOneTaskOnThreeBrokersPromptOnceAndEveryCallerGetsAUsableLease() throws Exception {
    FakeApprover human = FakeApprover.scripted().approve("111222").latency(Duration.ofSeconds(1)).build();
    List<Broker> brokers = three(human);
    Set<String> leaked = ConcurrentHashMap.newKeySet();
    AtomicBoolean scanning = new AtomicBoolean(true);
    Thread scanner = new Thread(() -> {
      while (scanning.get()) {
        try {
          leaked.addAll(Secrets.foundIn(url, SECRETS));
        } catch (java.sql.SQLException e) {
          leaked.add("scan failed: " + e);
        }
      }
    });
    scanner.start();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<AgentSession>> opens = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Broker b = brokers.get(i % 3);
      opens.add(pool.submit(() -> {
        start.await();
        return b.agent().open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      }));
    }
    start.countDown();
    List<AgentSession> sessions = new ArrayList<>();
    for (Future<AgentSession> f : opens) {
      sessions.add(f.get(60, TimeUnit.SECONDS));
    }
    scanning.set(false);
    scanner.join();

    assertThat(human.requestCount()).isEqualTo(1);
    assertThat(sts.assumeRoleRequests()).hasSize(1);
    String requestId = human.lastRequest().id();
    assertThat(sts.form(0)).containsEntry("Tags.member.1.Value", requestId);
    // Each agent holds its own handle on its broker; behind them all is the one approved lease.
    assertThat(sessions).extracting(AgentSession::approver).containsOnly("fake-approver");
    assertThat(sessions).extracting(AgentSession::expiresAt).containsOnly(sessions.get(0).expiresAt());
    for (AgentSession s : sessions) {
      var credentials = (software.amazon.awssdk.auth.credentials.AwsSessionCredentials)
          s.exportCredentials("check the lease handed to this agent").resolveCredentials();
      assertThat(credentials.secretAccessKey()).isEqualTo(StsStub.SECRET_ACCESS_KEY);
      assertThat(credentials.sessionToken()).isEqualTo(StsStub.SESSION_TOKEN);
    }
    // A guarded call through a broker that joined goes on the wire signed with the one lease.
    AgentSession onC = sessions.get(2);
    S3Client s3 = onC.client(S3Client.builder().endpointOverride(URI.create(wiremock.baseUrl())).forcePathStyle(true));
    s3.putObject(r -> r.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"), RequestBody.fromString("zip"));
    List<LoggedRequest> puts = wiremock.findAll(putRequestedFor(urlPathMatching("/hermes-dev-deploy/.*")));
    assertThat(puts).singleElement().satisfies(r -> {
      assertThat(r.getHeader("Authorization")).contains("Credential=" + StsStub.ACCESS_KEY_ID + "/");
      assertThat(r.getHeader("X-Amz-Security-Token")).isEqualTo(StsStub.SESSION_TOKEN);
    });

    List<AuditEvent> all = new ArrayList<>();
    brokers.forEach(b -> all.addAll(b.audit().events()));
    assertThat(all).filteredOn(e -> e.type() == AuditEventType.ASSUMED && "ok".equals(e.outcome())).hasSize(1);
    assertThat(all).filteredOn(e -> e.type() == AuditEventType.ASSUMED && "joined".equals(e.outcome()))
        .hasSize(2)
        .allSatisfy(e -> {
          assertThat(e.requestId()).isEqualTo(requestId);
          assertThat(e.cause()).contains("lease of request " + requestId);
        });
    for (AuditEvent e : all) {
      for (String secret : SECRETS) {
        assertThat(e.toString()).doesNotContain(secret);
      }
    }
    assertThat(leaked).isEmpty();
    assertThat(Secrets.foundIn(url, SECRETS)).isEmpty();
    assertThat(Secrets.count(url, "task_waiters")).isZero();
  }

  @Test
  void fourPromptsInARowForOneRoleOnThreeBrokersWithALimitOfThreeRefuseTheFourthWithoutAsking() {
    FakeApprover human = FakeApprover.approving("111222");
    List<Broker> brokers = three(human);
    for (int i = 0; i < 3; i++) {
      brokers.get(i).agent().open(AccessRequest.of("s3-deploy", "upload release 1.4." + i + " artifacts to the deploy "
          + "bucket", "s3:PutObject"));
    }
    assertThat(human.requestCount()).isEqualTo(3);

    assertThatThrownBy(() -> brokers.get(0).agent().open(AccessRequest.of("s3-deploy", "upload release 1.5.0 "
        + "artifacts to the deploy bucket", "s3:PutObject")))
        .isInstanceOf(ApprovalRateLimitedException.class)
        .hasMessageContaining("already had 3 approval prompts");

    assertThat(human.requestCount()).isEqualTo(3);
    assertThat(sts.assumeRoleRequests()).hasSize(3);
    assertThat(brokers.get(0).audit().events()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.REFUSED);
      assertThat(e.cause()).contains("already had 3 approval prompts");
    });
  }

  @Test
  void aDenialOnBrokerAIsRefusedFromTheCooldownOnBrokerCWithoutAsking() {
    FakeApprover human = FakeApprover.scripted().deny("not during the release freeze").build();
    List<Broker> brokers = three(human);
    assertThatThrownBy(() -> brokers.get(0).agent().open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
        .isInstanceOf(ApprovalDeniedException.class)
        .hasMessageContaining("denied by fake-approver");

    assertThatThrownBy(() -> brokers.get(2).agent().open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
        .isInstanceOf(ApprovalDeniedException.class)
        .hasMessageContaining("is in its cool-down; the human is not asked again");
    // Rewording the reason does not get around it either.
    assertThatThrownBy(() -> brokers.get(1).agent().open(AccessRequest.of("s3-deploy", "upload the release 1.4.2 "
        + "artifacts into the deploy bucket now", "s3:PutObject")))
        .isInstanceOf(ApprovalDeniedException.class)
        .hasMessageContaining("cool-down");

    assertThat(human.requestCount()).isEqualTo(1);
    assertThat(sts.assumeRoleRequests()).isEmpty();
    assertThat(brokers.get(2).audit().events()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.DENIED);
      assertThat(e.outcome()).isEqualTo("cool-down");
    });
  }

  @Test
  void withPostgresqlDownNewApprovalsFailClosedWhileLeasesAlreadyHeldKeepWorking() {
    FakeApprover human = FakeApprover.approving("111222");
    List<Broker> brokers = three(human);
    AgentSession held = brokers.get(0).agent().open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));

    FleetDatabases.server().stop();

    // The held lease: its credentials still come from broker A's endpoint, and asking again reuses it.
    assertThat(held.exportCredentials("check the lease still works").resolveCredentials().accessKeyId())
        .isEqualTo(StsStub.ACCESS_KEY_ID);
    S3Client s3 = held.client(S3Client.builder().endpointOverride(URI.create(wiremock.baseUrl())).forcePathStyle(true));
    s3.putObject(r -> r.bucket("hermes-dev-deploy").key("releases/1.4.2.zip"), RequestBody.fromString("zip"));
    AgentSession again = brokers.get(0).agent().open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
    assertThat(again.exportCredentials("check the reused lease").resolveCredentials().accessKeyId())
        .isEqualTo(StsStub.ACCESS_KEY_ID);
    assertThat(again.expiresAt()).isEqualTo(held.expiresAt());
    // A new approval: refused before anybody is asked, with a typed error that says what to do.
    assertThatThrownBy(() -> brokers.get(1).agent().open(AccessRequest.of("s3-deploy", "upload release 1.4.3 "
        + "artifacts to the deploy bucket", "s3:PutObject")))
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("fails closed")
        .hasMessageContaining("Check that PostgreSQL runs");

    assertThat(human.requestCount()).isEqualTo(1);
    assertThat(sts.assumeRoleRequests()).hasSize(1);
    assertThat(brokers.get(1).audit().events()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.REFUSED);
      assertThat(e.cause()).contains("fleet database");
    });
  }
}
