package dev.leasehold.benchmarks;

import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
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
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * B4: {@code session.client(S3Client.builder())} once the session has built its S3 client (a cache hit,
 * including creating the builder the caller passes) against building a new S3 client with the same
 * settings (and closing it, as a caller that builds per call must).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ClientCacheBenchmark {
  private AwsStandIn aws;
  private AwsSessionFactory leasehold;
  private AgentSession session;
  private AwsCredentialsProvider credentials;
  private URI s3Endpoint;

  @Setup(Level.Trial)
  public void setUp() {
    aws = StandIns.start();
    leasehold = Fixtures.factory(aws, FakeApprover.approving("123456"), Fixtures.discardingSink()).build();
    session = leasehold.open(Fixtures.request());
    credentials = session.exportCredentials("measure building clients from the lease credentials in a benchmark");
    s3Endpoint = URI.create("http://127.0.0.1:9");
    session.client(S3Client.builder().endpointOverride(s3Endpoint).forcePathStyle(true)
        .httpClientBuilder(UrlConnectionHttpClient.builder()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    leasehold.close();
    aws.close();
  }

  /** B4: the second and later calls return the session's cached, guarded client. */
  @Benchmark
  public S3Client cachedClient() {
    return session.client(S3Client.builder());
  }

  /** B4 baseline: a new client each time. */
  @Benchmark
  public S3Client newClient() {
    S3Client client = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
        .endpointOverride(s3Endpoint).forcePathStyle(true)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    client.close();
    return client;
  }
}
