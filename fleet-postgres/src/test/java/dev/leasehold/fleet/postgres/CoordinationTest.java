package dev.leasehold.fleet.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.approval.Decision;
import dev.leasehold.fleet.Coordination;
import dev.leasehold.fleet.CooldownKey;
import dev.leasehold.fleet.Task;
import dev.leasehold.fleet.TaskCoordinator;
import dev.leasehold.fleet.TaskOutcome;
import dev.leasehold.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** The PostgreSQL guard rails and task coordinator against a real server: races, hand-off, forgeries, faults. */
class CoordinationTest {
  static final String SECRET = "fleetTestSecretKey/DoNotStoreInClear+0123456789";
  static final String TOKEN = "FwoGZXIvYXdzFleetTestSessionTokenDoNotStoreInClear0123456789";
  static final Task TASK = new Task("hermes", "s3-deploy", "upload release 1.4.2 artifacts to the deploy bucket",
      List.of("s3:PutObject"), List.of(), Duration.ofMinutes(15));

  final MutableClock clock = MutableClock.startingNow();
  final HandOffKey key = HandOffKey.generate();
  final List<AutoCloseable> open = new ArrayList<>();
  final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    for (AutoCloseable c : open) {
      c.close();
    }
    FleetDatabases.server().restart();
  }

  PostgresFleet fleet(String url, String id) {
    PostgresFleet f = FleetDatabases.fleet(url).brokerId(id).clock(clock).connectionTimeout(Duration.ofMillis(500))
        .start();
    open.add(f);
    return f;
  }

  static TaskOutcome.Issued lease(String requestId, Instant now) {
    return new TaskOutcome.Issued(requestId, "alice", AwsSessionCredentials.builder().accessKeyId("ASIAFLEETTEST0001")
        .secretAccessKey(SECRET).sessionToken(TOKEN).build(), now.plusSeconds(900),
        "arn:aws:sts::123456789012:assumed-role/hermes-dev-s3-deploy/leasehold", now.plusSeconds(840), "ignored");
  }

  @Test
  void ofManyConcurrentPromptsOnTwoBrokersForTheLastSlotExactlyOneIsTakenAndTheWindowFreesIt() throws Exception {
    String url = FleetDatabases.newDatabase();
    Coordination a = fleet(url, "broker-a").coordination(key);
    Coordination b = fleet(url, "broker-b").coordination(key);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> takes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Coordination c = i % 2 == 0 ? a : b;
      takes.add(pool.submit(() -> {
        start.await();
        return c.guardRails().tryTakePrompt("hermes", "s3-deploy", 1, Duration.ofMinutes(10));
      }));
    }
    start.countDown();
    int taken = 0;
    for (Future<Boolean> f : takes) {
      taken += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
    }
    assertThat(taken).isEqualTo(1);
    assertThat(a.guardRails().tryTakePrompt("hermes", "s3-deploy", 1, Duration.ofMinutes(10))).isFalse();
    assertThat(b.guardRails().tryTakePrompt("hermes", "ec2-read", 1, Duration.ofMinutes(10))).isTrue();
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertThat(b.guardRails().tryTakePrompt("hermes", "s3-deploy", 1, Duration.ofMinutes(10))).isTrue();
  }

  @Test
  void aDenialRememberedOnOneBrokerIsSeenOnAnotherUntilItsCooldownEnds() throws Exception {
    String url = FleetDatabases.newDatabase();
    Coordination a = fleet(url, "broker-a").coordination(key);
    Coordination c = fleet(url, "broker-c").coordination(key);
    CooldownKey cooldown = new CooldownKey("hermes", "s3-deploy", List.of("s3:PutObject"), List.of());
    a.guardRails().rememberDenial(cooldown, new Decision.Denied("req-1", "alice", "not during the freeze"),
        Duration.ofMinutes(10));
    assertThat(c.guardRails().recentDenial(cooldown)).contains(new Decision.Denied("req-1", "alice",
        "not during the freeze"));
    assertThat(c.guardRails().recentDenial(new CooldownKey("hermes", "s3-deploy", List.of("s3:GetObject"),
        List.of()))).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(c.guardRails().recentDenial(cooldown)).isEmpty();
  }

  @Test
  void ofConcurrentClaimsOnTwoBrokersExactlyOneAsksAndTheOthersGetItsOutcome() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator b = fleet(url, "broker-b").coordination(key).tasks();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<TaskCoordinator.Claim>> claims = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      TaskCoordinator t = i % 2 == 0 ? a : b;
      String id = "req-" + i;
      claims.add(pool.submit(() -> {
        start.await();
        TaskCoordinator.Claim claim = t.claim(TASK, id, clock.instant().plusSeconds(300));
        if (claim instanceof TaskCoordinator.Asking asking) {
          Thread.sleep(500); // the human takes a while; the others register meanwhile
          asking.settle(new TaskOutcome.Denied(id, "alice", "no"));
        }
        return claim;
      }));
    }
    start.countDown();
    int asking = 0;
    List<TaskOutcome> joined = new ArrayList<>();
    for (Future<TaskCoordinator.Claim> f : claims) {
      TaskCoordinator.Claim claim = f.get(30, TimeUnit.SECONDS);
      if (claim instanceof TaskCoordinator.Joined j) {
        joined.add(j.outcome());
      } else {
        asking++;
      }
    }
    assertThat(asking).isEqualTo(1);
    assertThat(joined).hasSize(11).allSatisfy(o -> assertThat(o).isInstanceOf(TaskOutcome.Denied.class));
    assertThat(Secrets.count(url, "tasks")).isZero();
    assertThat(Secrets.count(url, "task_waiters")).isZero();
  }

  @Test
  void anIssuedLeaseReachesALateJoinerSealedAndNeverInClear() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator c = fleet(url, "broker-c").coordination(key).tasks();
    TaskCoordinator.Asking asking = (TaskCoordinator.Asking) a.claim(TASK, "req-a", clock.instant().plusSeconds(300));
    asking.settle(lease("req-a", clock.instant()));
    assertThat(Secrets.foundIn(url, SECRET, TOKEN)).isEmpty();

    TaskCoordinator.Claim late = c.claim(TASK, "req-c", clock.instant().plusSeconds(300));

    assertThat(late).isInstanceOf(TaskCoordinator.Joined.class);
    TaskOutcome.Issued issued = (TaskOutcome.Issued) ((TaskCoordinator.Joined) late).outcome();
    assertThat(issued.requestId()).isEqualTo("req-a");
    assertThat(issued.issuedBy()).isEqualTo("broker-a");
    assertThat(issued.credentials().secretAccessKey()).isEqualTo(SECRET);
    assertThat(issued.credentials().sessionToken()).isEqualTo(TOKEN);
    assertThat(issued.toString()).doesNotContain(SECRET).doesNotContain(TOKEN);
    assertThat(Secrets.count(url, "task_waiters")).isZero();
    assertThat(Secrets.foundIn(url, SECRET, TOKEN)).isEmpty();

    asking.withdraw();
    assertThat(Secrets.count(url, "tasks")).isZero();
  }

  @Test
  void aTaskIsKeyedByAnHmacThatDiffersForEveryFieldAndKeepsTheReasonOutOfTheDatabase() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    Instant deadline = clock.instant().plusSeconds(300);
    List<Task> tasks = List.of(TASK,
        new Task("hermes", "s3-deploy", "upload release 1.4.3 artifacts to the deploy bucket", List.of("s3:PutObject"),
            List.of(), Duration.ofMinutes(15)),
        new Task("hermes", "s3-deploy", TASK.reason(), List.of("s3:GetObject"), List.of(), Duration.ofMinutes(15)),
        new Task("hermes", "s3-deploy", TASK.reason(), List.of("s3:PutObject"), List.of("arn:aws:s3:::b/*"),
            Duration.ofMinutes(15)),
        new Task("hermes", "s3-deploy", TASK.reason(), List.of("s3:PutObject"), List.of(), Duration.ofMinutes(25)),
        new Task("hermes", "ec2-read", TASK.reason(), List.of("s3:PutObject"), List.of(), Duration.ofMinutes(15)),
        new Task("athena", "s3-deploy", TASK.reason(), List.of("s3:PutObject"), List.of(), Duration.ofMinutes(15)));
    for (int i = 0; i < tasks.size(); i++) {
      assertThat(a.claim(tasks.get(i), "req-" + i, deadline)).isInstanceOf(TaskCoordinator.Asking.class);
    }
    assertThat(Secrets.count(url, "tasks")).isEqualTo(tasks.size());
    assertThat(Secrets.foundIn(url, "release 1.4", "deploy bucket")).isEmpty();
    // Another fleet's key makes other digests: the same task is a different row.
    TaskCoordinator other = fleet(url, "broker-x").coordination(HandOffKey.generate()).tasks();
    assertThat(other.claim(TASK, "req-x", deadline)).isInstanceOf(TaskCoordinator.Asking.class);
  }

  @Test
  void aWaiterRowWithAKeyNoBrokerPublishedIsNeverSealedTo() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator.Asking asking = (TaskCoordinator.Asking) a.claim(TASK, "req-a", clock.instant().plusSeconds(300));
    try (Connection c = FleetDatabases.adminAt(url); PreparedStatement st = c.prepareStatement("INSERT INTO "
        + "leasehold.task_waiters (waiter_id, task_digest, request_id, broker_id, public_key, key_tag, created_at, "
        + "expires_at) SELECT 'attacker', task_digest, request_id, 'broker-x', ?, ?, now(), now() + interval '1 h' "
        + "FROM leasehold.tasks")) {
      st.setBytes(1, dev.leasehold.fleet.postgres.internal.OneTimeKey.generate().publicKey());
      st.setBytes(2, new byte[32]);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
    asking.settle(lease("req-a", clock.instant()));
    assertThat(Secrets.count(url, "task_waiters")).isZero();
  }

  @Test
  void anOutcomeWrittenByAnythingButABrokerIsRefusedAsATypedError() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator b = fleet(url, "broker-b").coordination(key).tasks();
    a.claim(TASK, "req-a", clock.instant().plusSeconds(300));
    Future<TaskCoordinator.Claim> waiting = pool.submit(() -> b.claim(TASK, "req-b", clock.instant().plusSeconds(300)));
    awaitRows(url, "task_waiters", 1);
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE leasehold.task_waiters SET outcome = 'denied', detail = '{\"approver\":\"mallory\"}', "
          + "tag = '\\x00'");
    }
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("does not carry a valid tag");
  }

  @Test
  void aBrokerKilledMidApprovalLeavesAPendingRowThatAnotherBrokerTakesOver() throws Exception {
    String url = FleetDatabases.newDatabase();
    PostgresFleet fleetA = fleet(url, "broker-a");
    TaskCoordinator a = fleetA.coordination(key).tasks();
    TaskCoordinator b = fleet(url, "broker-b").coordination(key).tasks();
    assertThat(a.claim(TASK, "req-a", clock.instant().plusSeconds(300))).isInstanceOf(TaskCoordinator.Asking.class);
    Future<TaskCoordinator.Claim> waiting = pool.submit(() -> b.claim(TASK, "req-b", clock.instant().plusSeconds(300)));
    awaitRows(url, "task_waiters", 1);
    assertThat(waiting.isDone()).isFalse();

    fleetA.close(); // the broker dies: its heart-beat row goes, its pending task row stays

    assertThat(Secrets.count(url, "tasks")).isEqualTo(1);
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(TaskCoordinator.Asking.class);
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT request_id, broker_id FROM leasehold.tasks")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("req-b");
      assertThat(rs.getString(2)).isEqualTo("broker-b");
    }
  }

  @Test
  void aPendingClaimPastItsDeadlineExpiresAndAnotherBrokerAsksAgain() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator b = fleet(url, "broker-b").coordination(key).tasks();
    a.claim(TASK, "req-a", clock.instant().plusSeconds(10));
    Future<TaskCoordinator.Claim> waiting = pool.submit(() -> b.claim(TASK, "req-b", clock.instant().plusSeconds(600)));
    awaitRows(url, "task_waiters", 1);
    Thread.sleep(300);
    assertThat(waiting.isDone()).isFalse();

    clock.advance(Duration.ofSeconds(11));

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(TaskCoordinator.Asking.class);
  }

  @Test
  void aWaiterNeverWaitsPastItsDeadline() throws Exception {
    String url = FleetDatabases.newDatabase();
    TaskCoordinator a = fleet(url, "broker-a").coordination(key).tasks();
    TaskCoordinator b = fleet(url, "broker-b").coordination(key).tasks();
    a.claim(TASK, "req-a", clock.instant().plusSeconds(600));
    Future<TaskCoordinator.Claim> waiting = pool.submit(() -> b.claim(TASK, "req-b", clock.instant().plusSeconds(30)));
    awaitRows(url, "task_waiters", 1);
    clock.advance(Duration.ofSeconds(31));
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ApprovalTimedOutException.class);
    assertThat(Secrets.count(url, "task_waiters")).isZero();
  }

  @Test
  void withPostgresqlDownTheGuardRailsAndClaimsFailClosedWithATypedErrorThatSaysWhatToDo() throws Exception {
    String url = FleetDatabases.newDatabase();
    Coordination a = fleet(url, "broker-a").coordination(key);
    FleetDatabases.server().stop();
    long start = System.nanoTime();
    assertThatThrownBy(() -> a.guardRails().tryTakePrompt("hermes", "s3-deploy", 3, Duration.ofMinutes(10)))
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("fails closed")
        .hasMessageContaining("Check that PostgreSQL runs");
    assertThatThrownBy(() -> a.tasks().claim(TASK, "req-a", clock.instant().plusSeconds(60)))
        .isInstanceOf(FleetUnavailableException.class);
    assertThatThrownBy(() -> a.guardRails().recentDenial(new CooldownKey("hermes", "s3-deploy", List.of(), List.of())))
        .isInstanceOf(FleetUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    FleetDatabases.server().restart();
    assertThat(eventually(() -> a.guardRails().tryTakePrompt("hermes", "s3-deploy", 3, Duration.ofMinutes(10))))
        .isTrue();
  }

  @Test
  void anExhaustedPoolIsABoundedWaitThenATypedError() throws Exception {
    String url = FleetDatabases.newDatabase();
    PostgresFleet f = FleetDatabases.fleet(url).brokerId("broker-a").clock(clock).maxPoolSize(3)
        .connectionTimeout(Duration.ofMillis(400)).start();
    open.add(f);
    Coordination a = f.coordination(key);
    List<Connection> held = new ArrayList<>();
    try {
      while (true) {
        try {
          held.add(f.dataSource().getConnection());
        } catch (java.sql.SQLException e) {
          break;
        }
      }
      long start = System.nanoTime();
      assertThatThrownBy(() -> a.guardRails().tryTakePrompt("hermes", "s3-deploy", 3, Duration.ofMinutes(10)))
          .isInstanceOf(FleetUnavailableException.class)
          .hasMessageContaining("no database connection was free within 400 ms")
          .hasMessageContaining("maxPoolSize");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    assertThat(a.guardRails().tryTakePrompt("hermes", "s3-deploy", 3, Duration.ofMinutes(10))).isTrue();
  }

  @Test
  void aHandOffKeyIsLongEnoughPrivateAndNeverPrinted(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> HandOffKey.of(new byte[16])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
    Path file = dir.resolve("hand-off.key");
    Files.writeString(file, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> HandOffKey.fromFile(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
    assertThatThrownBy(() -> HandOffKey.fromFile(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("open to group or others (rw--w----)");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(HandOffKey.fromFile(file).toString()).isEqualTo("HandOffKey[***]");
    Path mounted = Files.createSymbolicLink(dir.resolve("mounted.key"), file); // as a platform's secret volume
    assertThat(HandOffKey.fromFile(mounted).toString()).isEqualTo("HandOffKey[***]");
    String url = FleetDatabases.newDatabase();
    PostgresFleet f = fleet(url, "broker-a");
    assertThat(f.coordination(key)).isSameAs(f.coordination(key));
    assertThatThrownBy(() -> f.coordination(HandOffKey.generate())).isInstanceOf(IllegalStateException.class);
  }

  static void awaitRows(String url, String table, int rows) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Secrets.count(url, table) < rows) {
      if (System.nanoTime() > until) {
        throw new AssertionError("no " + rows + " rows in " + table);
      }
      Thread.sleep(20);
    }
  }

  /** The call's answer once the pool has reconnected (at most 10 s). */
  static <T> T eventually(Callable<T> call) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return call.call();
      } catch (FleetUnavailableException e) {
        if (System.nanoTime() > until) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
