package dev.leasehold.hardening;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.GuardRails;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.RetrySettings;
import dev.leasehold.UnknownRoleException;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.Statement;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency soak: 64 threads send 10,000 mixed requests through one factory (fresh approvals, shared
 * tasks that hit the cache or join an approval in flight, denials, expiries, out-of-scope intents, STS
 * refusals, bad reasons, unknown roles) with a real STS client against a WireMock STS and a hash-chained
 * audit file. It asserts that every request ends in exactly one typed outcome, that the number of each
 * outcome and each audit event type is exactly what the mix implies, that STS and the human were asked
 * exactly as often as they should be, that nothing deadlocks (a bound on the whole run), and that the
 * audit chain verifies.
 *
 * <p>Bigger runs: {@code -Dleasehold.soak.requests=100000 -Dleasehold.soak.threads=128} (docs/hardening.md).
 */
class ConcurrencySoakTest {
  static final int REQUESTS = Integer.getInteger("leasehold.soak.requests", 10_000);
  static final int THREADS = Integer.getInteger("leasehold.soak.threads", 64);
  static final int SHARED_TASKS = 8;
  static final String BROKEN_ARN = "arn:aws:iam::123456789012:role/hermes-dev-broken";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().containerThreads(THREADS + 16)).build();

  @TempDir
  Path dir;

  /** The kinds of request in the mix, chosen by request number. */
  enum Kind {
    FRESH, SHARED, DENIED, EXPIRED, OUT_OF_SCOPE, STS_REFUSES, BAD_REASON, UNKNOWN_ROLE;

    static Kind of(int i) {
      return switch (i % 20) {
        case 0, 1, 10, 11 -> FRESH;
        case 2, 3, 4, 12, 13, 14 -> SHARED;
        case 5, 15 -> DENIED;
        case 6, 16 -> EXPIRED;
        case 7, 17 -> OUT_OF_SCOPE;
        case 8, 18 -> STS_REFUSES;
        case 9 -> BAD_REASON;
        default -> UNKNOWN_ROLE;
      };
    }
  }

  /** A human whose answer follows the reason's first word; never throws, never approves a "deny". */
  static final class ReasonDrivenChannel implements ApprovalChannel {
    final LongAdder asked = new LongAdder();

    @Override
    public Decision decide(ApprovalRequest request) {
      asked.increment();
      if (request.reason().startsWith("deny")) {
        return new Decision.Denied(request.id(), "soak-human", "not now");
      }
      if (request.reason().startsWith("expire")) {
        return new Decision.Expired(request.id());
      }
      return request.requiresMfa()
          ? Decision.Approved.withCode(request.id(), "soak-human", MfaCode.of("246810"))
          : Decision.Approved.withoutCode(request.id(), "soak-human");
    }

    @Override
    public void close() {}
  }

  static AccessRequest request(int i) {
    return switch (Kind.of(i)) {
      case FRESH -> AccessRequest.of("s3-deploy", "publish release artifacts of build " + i, "s3:PutObject");
      case SHARED -> AccessRequest.of("ec2-read", "inventory the running instances of shard " + (i % SHARED_TASKS));
      case DENIED -> AccessRequest.of("s3-deploy", "deny the upload of build " + i, "s3:PutObject");
      case EXPIRED -> AccessRequest.of("s3-deploy", "expire the upload of build " + i, "s3:PutObject");
      case OUT_OF_SCOPE -> AccessRequest.of("s3-deploy", "remove stale artifacts of build " + i, "s3:DeleteObject");
      case STS_REFUSES -> AccessRequest.of("broken", "rotate the broken thing for build " + i);
      case BAD_REASON -> AccessRequest.of("s3-deploy", "do work");
      case UNKNOWN_ROLE -> AccessRequest.of("admin", "take over the whole account for build " + i);
    };
  }

  static RoleCatalog catalog() {
    RoleCatalog reference = TestCatalogs.reference();
    RoleCatalog.Builder b = RoleCatalog.builder(reference.agent()).defaultRegion(reference.defaultRegion())
        .broker(reference.broker());
    reference.roles().values().forEach(b::role);
    return b.role(RoleSpec.builder("broken", BROKEN_ARN)
        .permission(Statement.allow("ec2:Describe*").resources("*").build()).build()).build();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void mixedRequestsFromManyThreadsAllEndTypedCountedAndAudited() throws Exception {
    sts.stubFor(post(urlEqualTo("/")).atPriority(5).willReturn(StsStub.success(Instant.now().plusSeconds(3600))));
    sts.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing("hermes-dev-broken"))
        .willReturn(StsStub.error(403, "Sender", "AccessDenied", "User is not authorized to perform: sts:AssumeRole")));
    Path auditFile = dir.resolve("soak.jsonl");
    ReasonDrivenChannel human = new ReasonDrivenChannel();
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    Set<String> sharedSessionIds = ConcurrentHashMap.newKeySet();
    Map<Kind, LongAdder> planned = new EnumMap<>(Kind.class);
    for (int i = 0; i < REQUESTS; i++) {
      planned.computeIfAbsent(Kind.of(i), k -> new LongAdder()).increment();
    }

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    boolean finished;
    long start = System.nanoTime();
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(auditFile)) {
      try (AwsSessionFactory leasehold = Leasehold.factory(new StsStub(sts).endpoint(), human, sink)
          .catalog(catalog())
          .guardRails(new GuardRails(1_000_000, Duration.ofHours(1), Duration.ZERO))
          // The soak counts AssumeRole calls exactly; a 2 s attempt timeout on a loaded machine retries a slow
          // (not failed) call onto the wire, so this test gives each attempt longer. Retry timing has its own tests.
          .retry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(20),
              Duration.ofSeconds(60)))
          .build()) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
          pool.execute(() -> {
            await(go);
            for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
              outcomes.computeIfAbsent(run(leasehold, i, sharedSessionIds), k -> new LongAdder()).increment();
            }
          });
        }
        go.countDown();
        pool.shutdown();
        finished = pool.awaitTermination(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(finished).as("all %d requests finished (no deadlock) after %s", REQUESTS, elapsed).isTrue();
    long fresh = planned.get(Kind.FRESH).sum();
    long shared = planned.get(Kind.SHARED).sum();
    long denied = planned.get(Kind.DENIED).sum();
    long expired = planned.get(Kind.EXPIRED).sum();
    long outOfScope = planned.get(Kind.OUT_OF_SCOPE).sum();
    long stsRefuses = planned.get(Kind.STS_REFUSES).sum();
    long badReason = planned.get(Kind.BAD_REASON).sum();
    long unknownRole = planned.get(Kind.UNKNOWN_ROLE).sum();

    Map<String, Long> byOutcome = new TreeMap<>();
    outcomes.forEach((k, v) -> byOutcome.put(k, v.sum()));
    Map<String, Long> expectedOutcomes = new TreeMap<>(Map.of(
        "ok", fresh + shared,
        ApprovalDeniedException.class.getSimpleName(), denied,
        ApprovalTimedOutException.class.getSimpleName(), expired,
        OutOfScopeException.class.getSimpleName(), outOfScope,
        AssumeRoleFailedException.class.getSimpleName(), stsRefuses,
        InvalidRequestException.class.getSimpleName(), badReason,
        UnknownRoleException.class.getSimpleName(), unknownRole));
    assertThat(byOutcome).as("one typed outcome per request").isEqualTo(expectedOutcomes);
    assertThat(byOutcome.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(REQUESTS);
    assertThat(sharedSessionIds).as("one lease per shared task").hasSize(SHARED_TASKS);

    long asked = fresh + SHARED_TASKS + denied + expired + stsRefuses;
    long assumed = fresh + SHARED_TASKS;
    assertThat(human.asked.sum()).as("humans asked").isEqualTo(asked);
    assertThat(new StsStub(sts).assumeRoleRequests()).as("AssumeRole calls on the wire").hasSize((int) (assumed + stsRefuses));

    Map<AuditEventType, Long> expectedEvents = new EnumMap<>(AuditEventType.class);
    expectedEvents.put(AuditEventType.REQUESTED, asked);
    expectedEvents.put(AuditEventType.APPROVED, assumed + stsRefuses);
    expectedEvents.put(AuditEventType.ASSUMED, assumed);
    expectedEvents.put(AuditEventType.ASSUME_FAILED, stsRefuses);
    expectedEvents.put(AuditEventType.DENIED, denied);
    expectedEvents.put(AuditEventType.EXPIRED, expired);
    expectedEvents.put(AuditEventType.REFUSED, outOfScope + badReason + unknownRole);
    expectedEvents.put(AuditEventType.CLOSED, assumed);
    List<String> lines = Files.readAllLines(auditFile, StandardCharsets.UTF_8);
    Map<AuditEventType, Long> events = new EnumMap<>(AuditEventType.class);
    for (String line : lines) {
      int at = line.indexOf("\"type\":\"") + 8;
      events.merge(AuditEventType.fromJson(line.substring(at, line.indexOf('"', at))), 1L, Long::sum);
    }
    assertThat(events).as("audit events by type").isEqualTo(expectedEvents);

    AuditVerification verification = AuditVerifier.verify(auditFile);
    assertThat(verification.intact()).as(verification.problem()).isTrue();
    assertThat(verification.records()).isEqualTo(lines.size());
  }

  private static String run(AwsSessionFactory leasehold, int i, Set<String> sharedSessionIds) {
    Kind kind = Kind.of(i);
    try {
      AgentSession session = leasehold.open(request(i));
      if (kind == Kind.SHARED) {
        sharedSessionIds.add(session.id());
      } else {
        session.close();
      }
      return kind == Kind.FRESH || kind == Kind.SHARED ? "ok" : "unexpected success of " + kind;
    } catch (LeaseholdException e) {
      return e.getClass().getSimpleName();
    } catch (RuntimeException e) {
      return "untyped " + e;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
