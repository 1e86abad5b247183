package dev.leasehold.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers on one JSON Lines file: real child JVMs (two overlapping {@code credential-process} runs,
 * two agents) and threads over two sink instances in one JVM. Whatever the interleaving, the file must hold
 * one chain that verifies, numbered 1..total without a gap or a duplicate.
 */
class ConcurrentWritersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WRITERS = 3;
  static final int EACH = 120;

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void writerProcessesAppendingAtOnceYieldOneChain() throws Exception {
    Path log = dir.resolve("shared.jsonl");

    runWriters(log, null);

    assertOneChain(log, null, WRITERS * EACH);
  }

  @Test
  @Timeout(120)
  void keyedWriterProcessesAppendingAtOnceYieldOneSealedChain() throws Exception {
    Path log = dir.resolve("shared-keyed.jsonl");
    Path keyFile = KeyedAuditTest.writeKeyFile(dir.resolve("audit.key"), KeyedAuditTest.KEY_BYTES);

    runWriters(log, keyFile);

    assertOneChain(log, AuditKey.fromFile(keyFile), WRITERS * EACH);
  }

  /** Starts the writer processes, lets them go at once, waits for them, checks each wrote all its records. */
  private void runWriters(Path log, Path keyFile) throws Exception {
    int writers = WRITERS;
    int each = EACH;
    List<Process> processes = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        processes.add(startWriter(log, each, "writer" + w, keyFile));
      }
      for (Process p : processes) {
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("writer started").isEqualTo("ready");
      }
      for (Process p : processes) { // every writer is waiting: let them all go at once
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      for (Process p : processes) {
        p.getOutputStream().close();
      }
      for (Process p : processes) {
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("writer finished within 90 s").isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    List<String> ids = requestIds(log);
    long switches = 0;
    for (int i = 1; i < ids.size(); i++) {
      if (!writerOf(ids.get(i)).equals(writerOf(ids.get(i - 1)))) {
        switches++;
      }
    }
    // Writers that took turns would switch writers-1 times; more switches mean their appends really overlapped.
    assertThat(switches).as("the writers' records interleave (else the writers did not overlap)")
        .isGreaterThan(writers - 1);
    for (int w = 0; w < writers; w++) {
      String name = "writer" + w;
      assertThat(ids).as("every record of %s", name).containsAll(
          LongStream.range(0, each).mapToObj(i -> name + "-" + i).toList());
    }
  }

  @Test
  @Timeout(60)
  void aRecordIsInTheFileOnceRecordReturnsEvenIfTheWriterIsKilledRightAfter() throws Exception {
    Path log = dir.resolve("killed.jsonl");
    Process writer = startWriter(log, 3, "killed", null);
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      writer.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      writer.getOutputStream().flush();
      assertThat(out.readLine()).isEqualTo("written");
      writer.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush of any buffer
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.destroyForcibly();
    }

    assertOneChain(log, null, 3);
    assertThat(requestIds(log)).containsExactly("killed-0", "killed-1", "killed-2");
  }

  @Test
  @Timeout(60)
  void threadsOverTwoSinksOnOneFileYieldOneChain() throws Exception {
    Path log = dir.resolve("threads.jsonl");
    int threads = 8;
    int each = 200;
    try (JsonLinesAuditSink a = new JsonLinesAuditSink(log); JsonLinesAuditSink b = new JsonLinesAuditSink(log)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        JsonLinesAuditSink sink = t % 2 == 0 ? a : b;
        String name = "thread" + t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            sink.record(event(name + "-" + i));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }

    assertOneChain(log, null, threads * each);
  }

  @Test
  void aSinkFollowsRecordsAnotherSinkAppendedSinceItsOwnLastRecord() throws IOException {
    Path log = dir.resolve("interleaved.jsonl");
    try (JsonLinesAuditSink a = new JsonLinesAuditSink(log); JsonLinesAuditSink b = new JsonLinesAuditSink(log)) {
      a.record(event("a-1"));
      b.record(event("b-1"));
      b.record(event("b-2"));
      a.record(event("a-2"));
    }

    assertOneChain(log, null, 4);
    assertThat(requestIds(log)).containsExactly("a-1", "b-1", "b-2", "a-2");
  }

  @Test
  void afterACopyAndTruncateRotationTheSinkStartsANewChain() throws IOException {
    Path log = dir.resolve("rotated.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(log)) {
      sink.record(event("before-1"));
      sink.record(event("before-2"));
      Files.copy(log, dir.resolve("rotated.jsonl.1"));
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      sink.record(event("after-1"));
    }

    assertOneChain(dir.resolve("rotated.jsonl.1"), null, 2);
    assertOneChain(log, null, 1);
    assertThat(requestIds(log)).containsExactly("after-1");
  }

  private Process startWriter(Path log, int count, String name, Path keyFile) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AuditWriterMain.class.getName(),
        log.toString(), Integer.toString(count), name));
    if (keyFile != null) {
      command.add(keyFile.toString());
    }
    return new ProcessBuilder(command).start();
  }

  static AuditEvent event(String requestId) {
    return AuditEvent.builder(AuditEventType.CALL_ALLOWED, Instant.parse("2026-11-23T10:00:00Z")).requestId(requestId)
        .agent("hermes").action("s3:GetObject").outcome("ok").build();
  }

  static void assertOneChain(Path log, AuditKey key, int total) throws IOException {
    AuditVerification result = key == null ? AuditVerifier.verify(log) : AuditVerifier.verify(log, key);
    assertThat(result.problem()).isEmpty();
    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(total);
    List<Long> seqs = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      seqs.add(JSON.readTree(line).path("seq").asLong());
    }
    assertThat(seqs).hasSize(total).doesNotHaveDuplicates()
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  private static String writerOf(String requestId) {
    return requestId.substring(0, requestId.indexOf('-'));
  }

  static List<String> requestIds(Path log) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      ids.add(JSON.readTree(line).path("requestId").asText());
    }
    return ids;
  }
}
