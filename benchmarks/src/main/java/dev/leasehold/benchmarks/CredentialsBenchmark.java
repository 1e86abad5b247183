package dev.leasehold.benchmarks;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * B1: resolving credentials on a live session, against the SDK's {@code StaticCredentialsProvider} and a
 * warmed {@code StsAssumeRoleCredentialsProvider}. B2: {@code open()} of a task whose lease is live (a
 * cache hit), against the same warmed STS provider's {@code resolveCredentials()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class CredentialsBenchmark {
  private AwsStandIn aws;
  private AwsSessionFactory leasehold;
  private AccessRequest request;
  private AwsCredentialsProvider lease;
  private StaticCredentialsProvider staticProvider;
  private StsClient stsClient;
  private StsAssumeRoleCredentialsProvider stsProvider;

  @Setup(Level.Trial)
  public void setUp() {
    aws = StandIns.start();
    leasehold = Fixtures.factory(aws, FakeApprover.approving("123456"), Fixtures.discardingSink()).build();
    request = Fixtures.request();
    AgentSession session = leasehold.open(request);
    lease = session.exportCredentials("measure how fast the lease credentials resolve in a benchmark");
    lease.resolveCredentials();
    staticProvider = StaticCredentialsProvider.create(AwsSessionCredentials.create(
        StandIns.ACCESS_KEY_ID, StandIns.SECRET_ACCESS_KEY, StandIns.SESSION_TOKEN));
    stsClient = Fixtures.stsClient(aws);
    stsProvider = Fixtures.warmedStsProvider(stsClient);
    if (aws.assumeRoles().size() != 2) {
      throw new IllegalStateException("expected one AssumeRole for the lease and one for the SDK provider");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    leasehold.close();
    stsProvider.close();
    stsClient.close();
    aws.close();
  }

  /** B1: the lease's provider (checks the session is open and unexpired on every call). */
  @Benchmark
  public AwsCredentials leaseResolve() {
    return lease.resolveCredentials();
  }

  /** B1 baseline: a provider that returns a field. */
  @Benchmark
  public AwsCredentials staticResolve() {
    return staticProvider.resolveCredentials();
  }

  /** B1 and B2 baseline: the SDK's refreshing STS provider, its cache warm. */
  @Benchmark
  public AwsCredentials stsProviderResolve() {
    return stsProvider.resolveCredentials();
  }

  /** B2: open() for a task whose lease is live: validation, then the session cache. */
  @Benchmark
  public AgentSession openCacheHit() {
    return leasehold.open(request);
  }
}
