package dev.leasehold.benchmarks;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * B6: single-flight. 256 threads open the same task at once on a fresh factory whose approver takes
 * 200 ms; the benchmark fails unless exactly one approval and one AssumeRole happened and every thread
 * got the same session. Baseline: one {@code open()} alone on a fresh factory with the same approver.
 * Each invocation is one shot; the factory is built before it and closed after it, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 15)
@Fork(1)
public class SingleFlightBenchmark {
  static final int THREADS = 256;
  static final Duration APPROVER_LATENCY = Duration.ofMillis(200);

  private AwsStandIn aws;
  private int assumesBefore;
  private ThreadPoolExecutor pool;
  private AccessRequest request;
  private FakeApprover approver;
  private AwsSessionFactory leasehold;
  private final List<Future<String>> results = new ArrayList<>();

  @Setup(Level.Trial)
  public void startStandIn() {
    aws = StandIns.start();
    pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(THREADS);
    pool.prestartAllCoreThreads();
    request = Fixtures.request();
  }

  @TearDown(Level.Trial)
  public void stopStandIn() {
    pool.shutdownNow();
    aws.close();
  }

  @Setup(Level.Invocation)
  public void freshFactory() {
    assumesBefore = aws.assumeRoles().size();
    results.clear();
    approver = FakeApprover.scripted().approve("123456").latency(APPROVER_LATENCY).build();
    leasehold = Fixtures.factory(aws, approver, Fixtures.discardingSink()).build();
  }

  @TearDown(Level.Invocation)
  public void checkOneApprovalAndOneAssumeRole() throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> ids = new HashSet<>();
    for (Future<String> f : results) {
      ids.add(f.get(1, TimeUnit.SECONDS));
    }
    int assumes = aws.assumeRoles().size() - assumesBefore;
    leasehold.close();
    if (approver.requestCount() != 1 || assumes != 1 || ids.size() > 1) {
      throw new IllegalStateException("single-flight broken: " + approver.requestCount() + " approvals, "
          + assumes + " AssumeRole calls, " + ids.size() + " distinct sessions");
    }
  }

  /** B6: 256 concurrent opens of one task; done when every thread has its session. */
  @Benchmark
  public int concurrentOpens256() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < THREADS; i++) {
      results.add(pool.submit(() -> {
        go.await();
        return leasehold.open(request).id();
      }));
    }
    go.countDown();
    for (Future<String> f : results) {
      f.get(30, TimeUnit.SECONDS);
    }
    return results.size();
  }

  /** B6 baseline: one open() alone. */
  @Benchmark
  public AgentSession singleOpen() {
    AgentSession session = leasehold.open(request);
    return session;
  }
}
