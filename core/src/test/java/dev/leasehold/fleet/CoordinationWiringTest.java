package dev.leasehold.fleet;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalRateLimitedException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.approval.Decision;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The factory's use of a {@link Coordination}: what it asks the coordinator and the store, what it settles, and
 * how it turns another process's outcome into a session or a typed refusal, with a scripted coordination (no
 * database) standing in for the fleet.
 */
class CoordinationWiringTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  static final String OTHER_SECRET = "otherBrokerSecretKey/DoNotLeak+0123456789abcdefgh";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final InMemoryAuditSink audit = new InMemoryAuditSink();
  StsStub stub;

  @BeforeEach
  void setUp() {
    stub = new StsStub(sts).succeeds(900);
  }

  /** A coordination whose claims answer as scripted and which records what the factory did. */
  static final class Scripted implements Coordination, GuardRailStore, TaskCoordinator {
    final Function<String, Claim> answer;
    final List<TaskOutcome> settled = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    Optional<Decision.Denied> denial = Optional.empty();
    boolean promptAllowed = true;
    RuntimeException storeFailure;

    Scripted(Function<String, Claim> answer) {
      this.answer = answer;
    }

    @Override public GuardRailStore guardRails() { return this; }
    @Override public TaskCoordinator tasks() { return this; }

    @Override
    public synchronized boolean tryTakePrompt(String agent, String roleKey, int limit, Duration window) {
      calls.add("prompt " + agent + "/" + roleKey + " " + limit + "/" + window);
      if (storeFailure != null) {
        throw storeFailure;
      }
      return promptAllowed;
    }

    @Override
    public synchronized Optional<Decision.Denied> recentDenial(CooldownKey key) {
      calls.add("cooldown? " + key.roleKey() + " " + key.actions());
      return denial;
    }

    @Override
    public synchronized void rememberDenial(CooldownKey key, Decision.Denied denied, Duration cooldown) {
      calls.add("remember " + denied.requestId() + " for " + cooldown);
    }

    @Override
    public synchronized Claim claim(Task task, String requestId, Instant deadline) {
      calls.add("claim " + task.roleKey() + " " + task.actions());
      return answer.apply(requestId);
    }

    Asking asking() {
      return new Asking() {
        @Override
        public void settle(TaskOutcome outcome) {
          synchronized (Scripted.this) {
            settled.add(outcome);
          }
        }

        @Override
        public void withdraw() {
          synchronized (Scripted.this) {
            calls.add("withdraw");
          }
        }

        @Override
        public void close() {
          synchronized (Scripted.this) {
            calls.add("close");
          }
        }
      };
    }
  }

  AwsSessionFactory factory(FakeApprover human, Coordination coordination) {
    return Leasehold.factory(stub.endpoint(), human, audit).coordination(coordination).build();
  }

  @Test
  void theAskerTakesItsPromptFromTheStoreAndSettlesTheTaskWithTheLeaseUntilItsSkewThenWithdrawsOnClose() {
    FakeApprover human = FakeApprover.approving("111222");
    Scripted[] holder = new Scripted[1];
    Scripted fleet = new Scripted(id -> holder[0].asking());
    holder[0] = fleet;
    try (AwsSessionFactory leasehold = factory(human, fleet)) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      assertThat(fleet.settled).singleElement().isInstanceOfSatisfying(TaskOutcome.Issued.class, issued -> {
        assertThat(issued.requestId()).isEqualTo(session.id());
        assertThat(issued.credentials().secretAccessKey()).isEqualTo(StsStub.SECRET_ACCESS_KEY);
        assertThat(issued.handOutUntil()).isEqualTo(session.expiresAt().minus(AwsSessionFactory.DEFAULT_EXPIRY_SKEW));
        assertThat(issued.toString()).doesNotContain(StsStub.SECRET_ACCESS_KEY).doesNotContain(StsStub.SESSION_TOKEN);
      });
      assertThat(fleet.calls).containsSubsequence("claim s3-deploy [s3:PutObject]",
          "cooldown? s3-deploy [s3:PutObject]", "prompt hermes/s3-deploy 3/PT10M");
      session.close();
      assertThat(fleet.calls).contains("withdraw");
    }
  }

  @Test
  void aDenialIsRememberedInTheStoreAndSettledForTheOthers() {
    FakeApprover human = FakeApprover.denying("not now");
    Scripted[] holder = new Scripted[1];
    Scripted fleet = new Scripted(id -> holder[0].asking());
    holder[0] = fleet;
    try (AwsSessionFactory leasehold = factory(human, fleet)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(ApprovalDeniedException.class);
    }
    String id = human.lastRequest().id();
    assertThat(fleet.calls).contains("remember " + id + " for PT10M", "close");
    assertThat(fleet.settled).containsExactly(new TaskOutcome.Denied(id, "fake-approver", "not now"));
  }

  @Test
  void aLeaseJoinedFromAnotherProcessIsASessionWithoutAPromptOrAnAssumeRoleAndIsAuditedAsJoined() {
    FakeApprover human = FakeApprover.approving("111222");
    Instant expiry = Instant.now().plusSeconds(900);
    Scripted fleet = new Scripted(id -> new TaskCoordinator.Joined(new TaskOutcome.Issued("req-elsewhere", "alice",
        AwsSessionCredentials.builder().accessKeyId("ASIAOTHERBROKER00001").secretAccessKey(OTHER_SECRET)
            .sessionToken("other-token-0123456789").build(), expiry, "arn:aws:sts::123456789012:assumed-role/x/y",
        expiry.minusSeconds(60), "broker-b")));
    try (AwsSessionFactory leasehold = factory(human, fleet)) {
      AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"));
      assertThat(session.id()).isEqualTo("req-elsewhere");
      assertThat(session.approver()).isEqualTo("alice");
      assertThat(session.expiresAt()).isEqualTo(expiry);
      assertThat(session.exportCredentials("check the joined lease").resolveCredentials().secretAccessKey())
          .isEqualTo(OTHER_SECRET);
      // The same task again in this process: the live session, no second claim.
      assertThat(leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject"))).isSameAs(session);
    }
    assertThat(human.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(fleet.calls).containsExactly("claim s3-deploy [s3:PutObject]");
    assertThat(audit.events()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(AuditEventType.ASSUMED);
      assertThat(e.outcome()).isEqualTo("joined");
      assertThat(e.requestId()).isEqualTo("req-elsewhere");
      assertThat(e.cause()).contains("issued by broker broker-b");
    });
    assertThat(audit.events()).allSatisfy(e -> assertThat(e.toString()).doesNotContain(OTHER_SECRET));
  }

  @Test
  void aRefusalJoinedFromAnotherProcessKeepsItsType() {
    FakeApprover human = FakeApprover.approving("111222");
    Scripted denied = new Scripted(id -> new TaskCoordinator.Joined(new TaskOutcome.Denied("req-1", "alice", "no")));
    try (AwsSessionFactory leasehold = factory(human, denied)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOfSatisfying(ApprovalDeniedException.class, e -> assertThat(e.requestId()).isEqualTo("req-1"))
          .hasMessageContaining("joined on another broker, was denied by alice");
    }
    Scripted limited = new Scripted(id -> new TaskCoordinator.Joined(new TaskOutcome.Failed("req-2",
        "ApprovalRateLimitedException", "Not asking a human again: role 's3-deploy' already had 3 approval prompts")));
    try (AwsSessionFactory leasehold = factory(human, limited)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(ApprovalRateLimitedException.class)
          .hasMessageContaining("already had 3 approval prompts");
    }
    assertThat(human.requestCount()).isZero();
    assertThat(audit.types()).contains(AuditEventType.DENIED, AuditEventType.REFUSED);
  }

  @Test
  void whenTheFleetCannotBeReachedNobodyIsAskedAndTheRefusalIsAudited() {
    FakeApprover human = FakeApprover.approving("111222");
    Scripted[] holder = new Scripted[1];
    Scripted fleet = new Scripted(id -> holder[0].asking());
    holder[0] = fleet;
    fleet.storeFailure = new FleetUnavailableException("The fleet database could not be used: test", null);
    try (AwsSessionFactory leasehold = factory(human, fleet)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(FleetUnavailableException.class);
    }
    Scripted down = new Scripted(id -> {
      throw new FleetUnavailableException("The fleet database could not be used: down", null);
    });
    try (AwsSessionFactory leasehold = factory(human, down)) {
      assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:PutObject")))
          .isInstanceOf(FleetUnavailableException.class)
          .hasMessageContaining("down");
    }
    assertThat(human.requestCount()).isZero();
    assertThat(stub.assumeRoleRequests()).isEmpty();
    assertThat(fleet.settled).singleElement().isInstanceOf(TaskOutcome.Failed.class);
    assertThat(audit.events()).filteredOn(e -> e.type() == AuditEventType.REFUSED).hasSize(2);
  }

  @Test
  void aCoordinationCannotBeGivenToAFactoryInBrokerMode() {
    assertThatThrownBy(() -> AwsSessionFactory.builder().catalog(TestCatalogs.reference())
        .broker(URI.create("http://127.0.0.1:1"), "hermes-client-token-0123456789abcdefghijklmnop")
        .coordination(new Scripted(id -> null)).environment(java.util.Map.of())
        .systemProperties(new java.util.Properties()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("coordination");
  }

  @Test
  void theDefaultCoordinationAsksEveryClaimAndForgetsDenialsAfterTheirCooldown() {
    var local = new dev.leasehold.internal.LocalCoordination(java.time.Clock.systemUTC());
    assertThat(local.claim(new Task("hermes", "s3-deploy", REASON, List.of(), List.of(), Duration.ofMinutes(15)),
        "req-1", Instant.now())).isInstanceOf(TaskCoordinator.Asking.class);
    CooldownKey key = new CooldownKey("hermes", "s3-deploy", List.of("s3:PutObject"), List.of());
    local.rememberDenial(key, new Decision.Denied("req-1", "alice", ""), Duration.ZERO);
    assertThat(local.recentDenial(key)).isEmpty();
    assertThat(local.tryTakePrompt("hermes", "s3-deploy", 1, Duration.ofMinutes(10))).isTrue();
    assertThat(local.tryTakePrompt("hermes", "s3-deploy", 1, Duration.ofMinutes(10))).isFalse();
    assertThat(local.tryTakePrompt("other-agent", "s3-deploy", 1, Duration.ofMinutes(10))).isTrue();
  }
}
