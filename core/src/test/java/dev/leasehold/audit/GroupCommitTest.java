package dev.leasehold.audit;

import static dev.leasehold.audit.ConcurrentWritersTest.assertOneChain;
import static dev.leasehold.audit.ConcurrentWritersTest.event;
import static dev.leasehold.audit.ConcurrentWritersTest.requestIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Group commit in the file sink: concurrent callers' records share one write (and one flush or sync), each
 * caller returns only once its own record is in the file, and a batch that cannot be written fails every
 * caller in it.
 */
class GroupCommitTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(AuditLog.Durability.class)
  @Timeout(120)
  void concurrentCallersShareWritesWithoutLosingOrDuplicatingARecord(AuditLog.Durability durability) throws Exception {
    Path log = dir.resolve("group.jsonl");
    int threads = 16;
    int each = 150;
    int largest;
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(log).durability(durability).build())) {
      run(threads, t -> {
        for (int i = 0; i < each; i++) {
          sink.record(event("t" + t + "-" + i));
        }
      });
      largest = sink.largestBatch();
    }

    assertOneChain(log, null, threads * each);
    Set<String> expected = new HashSet<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        expected.add("t" + t + "-" + i);
      }
    }
    assertThat(requestIds(log)).hasSize(threads * each).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(largest).as("records of concurrent callers were written together").isGreaterThan(1);
  }

  @Test
  @Timeout(120)
  void eachCallerFindsItsOwnRecordInTheFileWhenRecordReturns() throws Exception {
    Path log = dir.resolve("returned.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(log)) {
      run(8, t -> {
        for (int i = 0; i < 25; i++) {
          String id = "t" + t + "-" + i;
          sink.record(event(id));
          String text = Files.readString(log, StandardCharsets.UTF_8);
          if (!text.contains("\"requestId\":\"" + id + "\"")) {
            throw new AssertionError("record() returned before " + id + " was in the file");
          }
        }
      });
    }
    assertOneChain(log, null, 8 * 25);
  }

  @Test
  @Timeout(60)
  void aBatchThatCannotBeWrittenFailsEveryCallerInIt() throws Exception {
    // /dev/full accepts the lock and refuses every write (ENOSPC): a real write failure. The test holds the
    // file lock until all callers wait, so that one writer takes all of their records into one batch.
    Path full = Path.of("/dev/full");
    int callers = 8;
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(full).lockTimeout(Duration.ofSeconds(30)).build());
         FileChannel other = FileChannel.open(full, StandardOpenOption.WRITE)) {
      FileLock held = other.lock();
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        List<Future<Throwable>> outcomes = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
          String id = "doomed-" + t;
          outcomes.add(pool.submit(() -> {
            try {
              sink.record(event(id));
              return null;
            } catch (RuntimeException e) {
              return e;
            }
          }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sink.waiting() < callers && System.nanoTime() - deadline < 0) {
          Thread.sleep(5);
        }
        assertThat(sink.waiting()).isEqualTo(callers);
        held.release();

        for (Future<Throwable> outcome : outcomes) {
          assertThat(outcome.get(20, TimeUnit.SECONDS)).as("no caller of a failed batch returns normally")
              .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Cannot write audit log /dev/full");
        }
        assertThat(sink.largestBatch()).isEqualTo(callers);
        assertThat(sink.waiting()).isZero();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  @Timeout(60)
  void callersWhoseLockWaitTimesOutFailAndTheirRecordsAreNeverWritten() throws Exception {
    Path log = dir.resolve("timeout.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(log).lockTimeout(Duration.ofMillis(300)).build())) {
      sink.record(event("before"));
      try (FileChannel other = FileChannel.open(log, StandardOpenOption.WRITE); FileLock held = other.lock()) {
        List<Throwable> failures = new ArrayList<>();
        run(4, t -> {
          try {
            sink.record(event("late-" + t));
          } catch (AuditLogException e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        });
        assertThat(failures).hasSize(4).allSatisfy(e -> assertThat(e).hasMessageContaining("locked for more than 300 ms"));
        assertThat(held.isValid()).isTrue();
      }
      assertThat(sink.waiting()).isZero();
      sink.record(event("after"));
    }
    assertOneChain(log, null, 2);
    assertThat(requestIds(log)).containsExactly("before", "after");
  }

  private interface Work {
    void run(int thread) throws Exception;
  }

  private static void run(int threads, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          work.run(thread);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(100, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
