package dev.leasehold.benchmarks;

import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
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
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * B7, broker mode, as latency distributions (JMH sample time, so p50 and p99 can be compared):
 * <ul>
 *   <li>a lease fetched from the broker's container-credentials endpoint over loopback HTTP (what an SDK does
 *       on each refresh) against resolving a local {@code StaticCredentialsProvider};</li>
 *   <li>an S3 GetObject through a guarded client of a client-mode factory (lease from the broker) against
 *       the same call through a plain client, and against a guarded client of an embedded factory.</li>
 * </ul>
 * The broker runs in the benchmark's JVM with a FakeApprover; STS and S3 are the loopback stand-ins.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 8, time = 2)
@Fork(2)
public class BrokerBenchmark {
  private static final String TOKEN = LeaseBroker.newToken();

  private AwsStandIn aws;
  private AwsSessionFactory brokerSide;
  private LeaseBroker broker;
  private AwsSessionFactory clientMode;
  private AwsSessionFactory embedded;
  private HttpClient http;
  private HttpRequest fetch;
  private StaticCredentialsProvider local;
  private S3Client guardedBroker;
  private S3Client guardedEmbedded;
  private S3Client plain;

  @Setup(Level.Trial)
  public void setUp() {
    aws = StandIns.start();
    brokerSide = Fixtures.factory(aws, FakeApprover.approving("123456"), Fixtures.discardingSink()).build();
    broker = LeaseBroker.builder().sessions(brokerSide).auditSink(Fixtures.discardingSink()).clientToken(TOKEN).start();
    BrokerClient.Grant grant = new BrokerClient(broker.uri(), TOKEN, Duration.ofSeconds(30)).request(Fixtures.request());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    fetch = HttpRequest.newBuilder(grant.credentialsUri()).header("Authorization", grant.credentialsToken()).GET().build();
    local = StaticCredentialsProvider.create(AwsSessionCredentials.create(StandIns.ACCESS_KEY_ID,
        StandIns.SECRET_ACCESS_KEY, StandIns.SESSION_TOKEN));
    clientMode = AwsSessionFactory.builder().catalog(Fixtures.referenceCatalog()).region(Region.US_EAST_1)
        .broker(broker.uri(), TOKEN).callBudget(Fixtures.UNLIMITED).environment(Map.of())
        .systemProperties(new Properties()).build();
    AgentSession viaBroker = clientMode.open(Fixtures.request());
    guardedBroker = viaBroker.client(s3Builder());
    embedded = Fixtures.factory(aws, FakeApprover.approving("123456"), Fixtures.discardingSink()).build();
    guardedEmbedded = embedded.open(Fixtures.request()).client(s3Builder());
    plain = s3Builder().region(Region.US_EAST_1).credentialsProvider(local).build();
  }

  private S3ClientBuilder s3Builder() {
    return S3Client.builder().endpointOverride(aws.endpoint()).forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    clientMode.close();
    embedded.close();
    broker.close();
    brokerSide.close();
    aws.close();
  }

  /** B7: one lease fetch from the container endpoint, as an SDK refresh does it. */
  @Benchmark
  public String containerFetch() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(fetch, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the broker answered " + response.statusCode());
    }
    return response.body();
  }

  /** B7 baseline: a local static provider. */
  @Benchmark
  public AwsCredentials staticResolve() {
    return local.resolveCredentials();
  }

  /** B7: GetObject through a guarded client whose lease came from the broker. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> guardedGetObjectBrokerMode() {
    return guardedBroker.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B7 comparison: the same guard in embedded mode. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> guardedGetObjectEmbedded() {
    return guardedEmbedded.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }

  /** B7 baseline: a plain client. */
  @Benchmark
  public ResponseBytes<GetObjectResponse> plainGetObject() {
    return plain.getObjectAsBytes(b -> b.bucket("hermes-dev-deploy").key("releases/1.4.2.txt"));
  }
}
