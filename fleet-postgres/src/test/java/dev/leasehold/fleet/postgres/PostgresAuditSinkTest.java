package dev.leasehold.fleet.postgres;

import static dev.leasehold.fleet.postgres.AuditRows.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.audit.AuditCheckpoint;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.AuditLogException;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.audit.AuditVerifier;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.fleet.postgres.internal.AuditTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgresAuditSink against a real PostgreSQL: the file sink's exact records, committed before record()
 * returns, batched, keyed like a file, and every way it can fail is a typed error within a deadline.
 */
class PostgresAuditSinkTest {
  static final AuditKey KEY = AuditKey.of("fleet-audit-key-for-tests-0123456789".getBytes());
  static final AuditKey OTHER_KEY = AuditKey.of("another-audit-key-for-tests-987654321".getBytes());

  @TempDir Path dir;

  @Test
  void eachRowHoldsExactlyTheLineTheFileSinkWritesForTheSameEvents() throws Exception {
    String url = FleetDatabases.newDatabase();
    Path file = dir.resolve("audit.jsonl");
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build();
        JsonLinesAuditSink fileSink = new JsonLinesAuditSink(AuditLog.builder(file).key(KEY).build())) {
      for (int i = 1; i <= 5; i++) {
        sink.record(call(i));
        fileSink.record(call(i));
      }
      assertThat(sink.checkpoint()).isEqualTo(fileSink.checkpoint());
    }

    assertThat(AuditRows.records(url)).containsExactlyElementsOf(Files.readAllLines(file));
    assertThat(AuditVerifier.verify(file, KEY).intact()).isTrue();
  }

  @Test
  void recordReturnsOnlyOnceItsRowIsCommittedAndVisibleToAnotherSession() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).build();
        Connection other = FleetDatabases.adminAt(url);
        PreparedStatement count = other.prepareStatement("SELECT count(*) FROM leasehold.audit_records")) {
      for (int i = 1; i <= 20; i++) {
        sink.record(call(i));
        try (var rs = count.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).as("rows visible after record %d returned", i).isEqualTo(i);
        }
      }
    }
  }

  @Test
  void concurrentRecordsAreGroupCommittedInFewerTransactionsThanRecords() throws Exception {
    String url = FleetDatabases.newDatabase();
    int threads = 32;
    int each = 50;
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build()) {
      runConcurrently(threads, t -> {
        for (int i = 0; i < each; i++) {
          sink.record(call(t * 1000 + i));
        }
      });
      assertThat(sink.checkpoint()).map(AuditCheckpoint::seq).contains((long) threads * each);
    }

    long rows = AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records");
    long transactions = AuditRows.number(url, "SELECT count(DISTINCT xmin::text) FROM leasehold.audit_records");
    assertThat(rows).isEqualTo(threads * each);
    assertThat(transactions).as("transactions for %d records", rows).isLessThan(rows / 2);
    try (Connection c = FleetDatabases.adminAt(url)) {
      AuditVerification v = PostgresAuditVerifier.verify(c, KEY, null);
      assertThat(v.intact()).as(v.problem()).isTrue();
      assertThat(v.records()).isEqualTo(rows);
    }
  }

  @Test
  void aBatchNeverExceedsMaxBatch() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).maxBatch(4).build()) {
      runConcurrently(16, t -> {
        for (int i = 0; i < 20; i++) {
          sink.record(call(t * 1000 + i));
        }
      });
    }
    assertThat(AuditRows.number(url, "SELECT max(n) FROM (SELECT count(*) AS n FROM leasehold.audit_records "
        + "GROUP BY xmin::text) b")).isBetween(1L, 4L);
    assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records")).isEqualTo(320);
  }

  @Test
  void aSinkContinuesTheChainAnEarlierSinkLeftAndStartsFromItsHead() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start()) {
      try (PostgresAuditSink first = PostgresAuditSink.builder(fleet).key(KEY).build()) {
        assertThat(first.checkpoint()).isEmpty();
        first.record(call(1));
        first.record(call(2));
      }
      try (PostgresAuditSink second = PostgresAuditSink.builder(fleet).key(KEY).build()) {
        assertThat(second.checkpoint()).map(AuditCheckpoint::seq).contains(2L);
        second.record(call(3));
      }
    }
    assertThat(AuditRows.records(url)).hasSize(3).last().asString().startsWith("{\"seq\":3,");
    try (Connection c = FleetDatabases.adminAt(url)) {
      assertThat(PostgresAuditVerifier.verify(c, KEY, null).intact()).isTrue();
    }
  }

  @Test
  void aChainIsKeyedWithOneKeyForTheWholeFleet() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start()) {
      try (PostgresAuditSink keyed = PostgresAuditSink.builder(fleet).key(KEY).build()) {
        keyed.record(call(1));
      }
      assertThatThrownBy(() -> PostgresAuditSink.builder(fleet).key(OTHER_KEY).build())
          .isInstanceOf(AuditLogException.class)
          .hasMessageContaining("sealed with another key")
          .hasMessageContaining(KEY.id()).hasMessageContaining(OTHER_KEY.id());
      assertThatThrownBy(() -> PostgresAuditSink.builder(fleet).build())
          .isInstanceOf(AuditLogException.class)
          .hasMessageContaining("is keyed");
    }
    String unkeyedUrl = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(unkeyedUrl).start()) {
      try (PostgresAuditSink unkeyed = PostgresAuditSink.builder(fleet).build()) {
        unkeyed.record(call(1));
      }
      assertThatThrownBy(() -> PostgresAuditSink.builder(fleet).key(KEY).build())
          .isInstanceOf(AuditLogException.class)
          .hasMessageContaining("written without a key");
    }
  }

  @Test
  void aSinkRefusesToChainAfterAHeadThatWasEditedOrSealedByAnotherKeyMeanwhile() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build()) {
      sink.record(call(1));
      AuditRows.exec(url, "UPDATE leasehold.audit_records SET record = replace(record, 's3-deploy', 's3-admin')");

      assertThatThrownBy(() -> sink.record(call(2)))
          .isInstanceOf(AuditLogException.class)
          .hasMessageContaining("record 1 does not match its hash")
          .hasMessageContaining("leasehold audit verify --jdbc");

      AuditRows.exec(url, "DELETE FROM leasehold.audit_records");
      try (PostgresAuditSink other = PostgresAuditSink.builder(fleet).key(OTHER_KEY).build()) {
        other.record(call(1));
      }
      assertThatThrownBy(() -> sink.record(call(2)))
          .isInstanceOf(AuditLogException.class)
          .hasMessageContaining("sealed with another key");
    }
    assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records")).isEqualTo(1);
  }

  @Test
  void aFullQueueRefusesAtOnceWithATypedErrorAndQueuedRecordsAreWrittenLater() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).maxBatch(1).queueCapacity(2)
            .recordTimeout(Duration.ofSeconds(20)).build();
        Connection holder = FleetDatabases.adminAt(url)) {
      holdChainLock(holder);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        Future<?> inFlight = pool.submit(() -> sink.record(call(1)));
        awaitLockWaiter(url);
        Future<?> second = pool.submit(() -> sink.record(call(2)));
        Future<?> third = pool.submit(() -> sink.record(call(3)));
        awaitQueued(sink, 2);

        long start = System.nanoTime();
        assertThatThrownBy(() -> sink.record(call(4)))
            .isInstanceOf(FleetUnavailableException.class)
            .hasMessageContaining("was not written")
            .hasMessageContaining("queue capacity 2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        releaseChainLock(holder);
        inFlight.get(20, TimeUnit.SECONDS);
        second.get(20, TimeUnit.SECONDS);
        third.get(20, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(AuditRows.records(url)).hasSize(3).noneMatch(r -> r.contains("\"req-4\""));
  }

  @Test
  void aCallerPastItsDeadlineGetsATypedErrorAndAQueuedRecordThatTimedOutIsNeverWritten() throws Exception {
    String url = FleetDatabases.newDatabase();
    Duration timeout = Duration.ofMillis(800);
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).maxBatch(1).recordTimeout(timeout).build();
        Connection holder = FleetDatabases.adminAt(url)) {
      holdChainLock(holder);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        long start = System.nanoTime();
        Future<?> inFlight = pool.submit(() -> sink.record(call(1)));
        awaitLockWaiter(url);
        Future<?> queued = pool.submit(() -> sink.record(call(2)));

        assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(FleetUnavailableException.class)
            .hasMessageContaining("not confirmed")
            .hasMessageContaining("800 ms");
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(FleetUnavailableException.class)
            .hasMessageContaining("was not written")
            .hasMessageContaining("800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.multipliedBy(4));
      } finally {
        pool.shutdownNow();
      }
      releaseChainLock(holder);
      sink.record(call(3)); // the writer goes on after the lock is released
    }
    List<String> records = AuditRows.records(url);
    assertThat(records).noneMatch(r -> r.contains("\"req-2\"")).anyMatch(r -> r.contains("\"req-3\""));
    assertThat(records).hasSizeBetween(1, 2); // req-1 was on its way: it may have been committed after its caller left
  }

  @Test
  void aClosedSinkRefusesRecordsAndToStringShowsNoSecret() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).brokerId("broker-t").start()) {
      PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build();
      assertThat(sink.toString()).contains("broker-t", KEY.id())
          .doesNotContain(FleetDatabases.server().superuserPassword());
      sink.close();
      sink.close();
      assertThatThrownBy(() -> sink.record(call(1))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void settingsOutOfRangeAreRefusedWithTheRange() {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).start()) {
      PostgresAuditSink.Builder b = PostgresAuditSink.builder(fleet);
      assertThatThrownBy(() -> b.maxBatch(0)).hasMessageContaining("between 1 and 10000");
      assertThatThrownBy(() -> b.queueCapacity(0)).hasMessageContaining("between 1 and 1000000");
      assertThatThrownBy(() -> b.recordTimeout(Duration.ofMillis(1))).hasMessageContaining("between 10 ms");
      assertThatThrownBy(() -> b.recordTimeout(Duration.ofMinutes(6))).hasMessageContaining("5 minutes");
    }
  }

  // --- helpers

  interface Body {
    void run(int thread) throws Exception;
  }

  static void runConcurrently(int threads, Body body) throws Exception {
    runConcurrently(threads, Duration.ofMinutes(2), body);
  }

  static void runConcurrently(int threads, Duration deadline, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        all.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
            body.run(thread);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      start.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Holds the chain lock in a session of its own, as another broker in the middle of a batch would. */
  static void holdChainLock(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
      st.setLong(1, AuditTable.CHAIN_LOCK);
      st.execute();
    }
  }

  static void releaseChainLock(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      st.setLong(1, AuditTable.CHAIN_LOCK);
      st.execute();
    }
  }

  /** Waits until a session waits for an advisory lock (the sink's writer, blocked on the chain lock). */
  static void awaitLockWaiter(String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (AuditRows.number(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the writer never waited for the chain lock");
      }
      Thread.sleep(10); // polling another process's state; no clock to move
    }
  }

  static void awaitQueued(PostgresAuditSink sink, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sink.queued() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + sink.queued() + " records queued, expected " + n);
      }
      Thread.sleep(5);
    }
  }
}
