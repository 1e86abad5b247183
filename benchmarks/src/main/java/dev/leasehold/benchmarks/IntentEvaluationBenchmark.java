package dev.leasehold.benchmarks;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.SessionPolicies;
import dev.leasehold.policy.SessionPolicy;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * B5: intent evaluation against the reference catalog. Run with {@code -prof gc} (BenchmarkMain does) for
 * the allocations per operation ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class IntentEvaluationBenchmark {
  private static final List<String> INTENT = List.of("s3:GetObject", "s3:PutObject");
  private static final List<String> RESOURCES = List.of("arn:aws:s3:::hermes-dev-deploy/releases/*");

  private RoleCatalog catalog;
  private RoleSpec role;
  private PolicyEvaluator evaluator;

  @Setup(Level.Trial)
  public void setUp() {
    catalog = Fixtures.referenceCatalog();
    role = catalog.role("s3-deploy").orElseThrow();
    evaluator = role.evaluator();
  }

  /** The per-call guard check: one action on one resource against the role's compiled permissions. */
  @Benchmark
  public EvaluationResult guardCheck() {
    return evaluator.evaluate("s3:PutObject", "arn:aws:s3:::hermes-dev-deploy/releases/1.4.2.zip");
  }

  /** The check at open(): does the role allow the whole intent (two actions on some of its resources)? */
  @Benchmark
  public boolean intentAllowed() {
    return role.allowsIntent(INTENT, List.of());
  }

  /** The same with declared resources. */
  @Benchmark
  public boolean intentWithResourcesAllowed() {
    return role.allowsIntent(INTENT, RESOURCES);
  }

  /** The refusal path: which of the catalog's roles would allow an out-of-scope intent? */
  @Benchmark
  public List<String> rolesAllowingOutOfScope() {
    return catalog.rolesAllowing(List.of("s3:DeleteObject"), List.of());
  }

  /** Rendering the intent as the session policy sent to STS (once per approved lease). */
  @Benchmark
  public SessionPolicy sessionPolicy() {
    return SessionPolicies.forIntent(role, INTENT, RESOURCES);
  }
}
