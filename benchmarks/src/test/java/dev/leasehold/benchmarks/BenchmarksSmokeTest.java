package dev.leasehold.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.policy.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark's body once outside JMH, so a broken stand-in or fixture fails the normal build
 * instead of the first benchmark run. Measures nothing.
 */
class BenchmarksSmokeTest {

  @Test
  void credentialsAndCacheHit() {
    CredentialsBenchmark b = new CredentialsBenchmark();
    b.setUp();
    try {
      assertThat(b.leaseResolve().accessKeyId()).isEqualTo(StandIns.ACCESS_KEY_ID);
      assertThat(b.staticResolve().accessKeyId()).isEqualTo(StandIns.ACCESS_KEY_ID);
      assertThat(b.stsProviderResolve().accessKeyId()).isEqualTo(StandIns.ACCESS_KEY_ID);
      assertThat(b.openCacheHit().id()).isEqualTo(b.openCacheHit().id());
    } finally {
      b.tearDown();
    }
  }

  @Test
  void guardedAndPlainCallsReachTheStandIn() throws Exception {
    GuardedCallBenchmark b = new GuardedCallBenchmark();
    b.setUp();
    try {
      assertThat(b.guardedGetObject().asUtf8String()).isEqualTo("release 1.4.2 ok");
      assertThat(b.unguardedGetObject().asUtf8String()).isEqualTo("release 1.4.2 ok");
    } finally {
      b.tearDown();
    }
  }

  @Test
  void clientCache() {
    ClientCacheBenchmark b = new ClientCacheBenchmark();
    b.setUp();
    try {
      assertThat(b.cachedClient()).isSameAs(b.cachedClient());
      assertThat(b.newClient()).isNotSameAs(b.newClient());
    } finally {
      b.tearDown();
    }
  }

  @Test
  void intentEvaluation() {
    IntentEvaluationBenchmark b = new IntentEvaluationBenchmark();
    b.setUp();
    assertThat(b.guardCheck()).isEqualTo(EvaluationResult.ALLOW);
    assertThat(b.intentAllowed()).isTrue();
    assertThat(b.intentWithResourcesAllowed()).isTrue();
    assertThat(b.rolesAllowingOutOfScope()).isEmpty();
    assertThat(b.sessionPolicy().json()).contains("s3:PutObject");
  }

  @Test
  void singleFlightChecksItsOwnInvariant() throws Exception {
    SingleFlightBenchmark b = new SingleFlightBenchmark();
    b.startStandIn();
    try {
      b.freshFactory();
      assertThat(b.concurrentOpens256()).isEqualTo(SingleFlightBenchmark.THREADS);
      b.checkOneApprovalAndOneAssumeRole();
      b.freshFactory();
      assertThat(b.singleOpen().isOpen()).isTrue();
      b.checkOneApprovalAndOneAssumeRole();
    } finally {
      b.stopStandIn();
    }
  }

  @Test
  void fleetAuditWritesToARealPostgresAndBothSinksServeGuardedCalls() throws Exception {
    FleetAuditBenchmark b = new FleetAuditBenchmark();
    b.setUp();
    try {
      long before = b.postgresRecords();
      b.postgresRecord1Thread();
      b.postgresRecord8Threads();
      b.postgresRecord64Threads();
      b.fileRecord1Thread();
      assertThat(b.postgresRecords()).isEqualTo(before + 3);
      assertThat(b.openNewTaskPostgres().isOpen()).isTrue();
      assertThat(b.openNewTaskFile().isOpen()).isTrue();
      assertThat(b.postgresRecords()).isEqualTo(before + 6); // requested, approved, assumed
      assertThat(b.guardedGetObjectPostgres().asUtf8String()).isEqualTo("release 1.4.2 ok");
      assertThat(b.guardedGetObjectFile().asUtf8String()).isEqualTo("release 1.4.2 ok");
      assertThat(b.postgresRecords()).isEqualTo(before + 7);
      b.closeOpenedSessions();
    } finally {
      b.tearDown();
    }
  }
}
