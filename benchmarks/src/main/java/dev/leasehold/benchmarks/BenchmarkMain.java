package dev.leasehold.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs Leasehold's benchmarks and prints each figure as a ratio against its baseline from the same run.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar            # full: the iterations and forks in the annotations
 * java -jar benchmarks/target/benchmarks.jar --quick    # quick: 1 fork, 2 x 1 s warm-up, 3 x 1 s measured
 * java -jar benchmarks/target/benchmarks.jar --jmh -l   # anything after --jmh goes to JMH's own main
 * }</pre>
 *
 * <p>Writes JMH's JSON to {@code results.json} and the ratio table to {@code ratios.md}, both in
 * {@code benchmarks/target} (or {@code target} when run from the module directory, or {@code --out DIR}).
 * Every benchmark runs with JMH's GC profiler, for allocations per operation.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    if (args.length > 0 && args[0].equals("--jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    boolean quick = false;
    Path out = Files.isDirectory(Path.of("benchmarks", "target")) ? Path.of("benchmarks", "target") : Path.of("target");
    String include = BenchmarkMain.class.getPackageName() + ".*";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--out" -> out = Path.of(args[++i]);
        case "--include" -> include = args[++i];
        default -> {
          System.err.println("usage: java -jar benchmarks.jar [--quick|--full] [--out DIR] [--include REGEX] | --jmh JMH-ARGS");
          System.exit(2);
        }
      }
    }
    Files.createDirectories(out);
    Path json = out.resolve("results.json");
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include)
        .addProfiler(GCProfiler.class)
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString());
    if (quick) {
      options.forks(1)
          .warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    }
    Instant started = Instant.now();
    Collection<RunResult> results = new Runner(options.build()).run();
    String report = report(results, quick, started);
    Files.writeString(out.resolve("ratios.md"), report, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(report);
    System.out.println("JMH results: " + json.toAbsolutePath() + "; ratios: " + out.resolve("ratios.md").toAbsolutePath());
  }

  /** One figure: a benchmark measured against its baseline in the same run. */
  private record Ratio(String id, String what, String benchmark, String baseline, boolean higherIsFaster,
      boolean invert, String target, double limit) {}

  private static final List<Ratio> RATIOS = List.of(
      new Ratio("B1", "lease credentials vs StaticCredentialsProvider", "CredentialsBenchmark.leaseResolve",
          "CredentialsBenchmark.staticResolve", false, false, "<= 1.5x", 1.5),
      new Ratio("B1", "lease credentials vs warmed StsAssumeRoleCredentialsProvider", "CredentialsBenchmark.leaseResolve",
          "CredentialsBenchmark.stsProviderResolve", false, false, "<= 1.0x", 1.0),
      new Ratio("B2", "open() cache hit vs warmed StsAssumeRoleCredentialsProvider", "CredentialsBenchmark.openCacheHit",
          "CredentialsBenchmark.stsProviderResolve", false, false, "<= 3x", 3.0),
      new Ratio("B3", "guarded GetObject throughput vs unguarded", "GuardedCallBenchmark.guardedGetObject",
          "GuardedCallBenchmark.unguardedGetObject", true, false, ">= 0.95", 0.95),
      new Ratio("B4", "cached session.client() vs new client (times faster)", "ClientCacheBenchmark.cachedClient",
          "ClientCacheBenchmark.newClient", false, true, ">= 100x", 100),
      new Ratio("B6", "256 concurrent opens vs one open (wall time)", "SingleFlightBenchmark.concurrentOpens256",
          "SingleFlightBenchmark.singleOpen", false, false, "<= 1.5x", 1.5),
      new Ratio("B8", "PostgreSQL audit records/s, 8 threads vs 1 thread (group commit)",
          "FleetAuditBenchmark.postgresRecord8Threads", "FleetAuditBenchmark.postgresRecord1Thread", true, false,
          "report", Double.NaN),
      new Ratio("B8", "PostgreSQL audit records/s, 64 threads vs 1 thread (group commit)",
          "FleetAuditBenchmark.postgresRecord64Threads", "FleetAuditBenchmark.postgresRecord1Thread", true, false,
          "report", Double.NaN),
      new Ratio("B8", "PostgreSQL audit records/s vs file sink, 1 thread", "FleetAuditBenchmark.postgresRecord1Thread",
          "FleetAuditBenchmark.fileRecord1Thread", true, false, "report", Double.NaN),
      new Ratio("B8", "open() of a new task, PostgreSQL sink vs file sink", "FleetAuditBenchmark.openNewTaskPostgres",
          "FleetAuditBenchmark.openNewTaskFile", false, false, "report", Double.NaN),
      new Ratio("B8", "guarded GetObject, PostgreSQL sink vs file sink", "FleetAuditBenchmark.guardedGetObjectPostgres",
          "FleetAuditBenchmark.guardedGetObjectFile", false, false, "report", Double.NaN));

  static String report(Collection<RunResult> results, boolean quick, Instant started) {
    Map<String, RunResult> byName = new LinkedHashMap<>();
    for (RunResult r : results) {
      String full = r.getParams().getBenchmark();
      String[] parts = full.split("\\.");
      byName.put(parts[parts.length - 2] + "." + parts[parts.length - 1], r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Leasehold benchmark run\n\n");
    sb.append("- Mode: ").append(quick ? "quick (1 fork, 2 x 1 s warm-up, 3 x 1 s measured)" : "full (annotations)").append('\n');
    sb.append("- Started: ").append(started).append('\n');
    sb.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
        .append('\n');
    sb.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs\n\n");
    sb.append("| ID | Figure | Benchmark | Baseline | Ratio | Target | Met |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Ratio ratio : RATIOS) {
      RunResult b = byName.get(ratio.benchmark());
      RunResult base = byName.get(ratio.baseline());
      if (b == null || base == null) {
        continue;
      }
      double value = b.getPrimaryResult().getScore() / base.getPrimaryResult().getScore();
      if (ratio.invert()) {
        value = 1 / value;
      }
      boolean met = ratio.higherIsFaster() || ratio.invert() ? value >= ratio.limit() : value <= ratio.limit();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %s | %s |%n", ratio.id(), ratio.what(),
          score(b), score(base), value, ratio.target(), Double.isNaN(ratio.limit()) ? "n/a" : met ? "yes" : "no"));
    }
    sb.append(percentiles(byName));
    sb.append("\n## All benchmarks\n\n| Benchmark | Mode | Score | Error (99.9%) | Unit | Allocated B/op |\n");
    sb.append("| --- | --- | --- | --- | --- | --- |\n");
    List<String> names = new ArrayList<>(byName.keySet());
    for (String name : names) {
      RunResult r = byName.get(name);
      Result<?> p = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", name, r.getParams().getMode().shortLabel(),
          number(p.getScore()), Double.isNaN(p.getScoreError()) ? "n/a" : number(p.getScoreError()), p.getScoreUnit(),
          alloc == null ? "n/a" : number(alloc.getScore())));
    }
    return sb.toString();
  }

  /** B7: latency distributions (sample time) compared at p50 and p99. */
  private static final List<String[]> PERCENTILE_RATIOS = List.of(
      new String[] {"lease fetch from the container endpoint vs local StaticCredentialsProvider",
          "BrokerBenchmark.containerFetch", "BrokerBenchmark.staticResolve"},
      new String[] {"guarded GetObject, broker mode vs plain client", "BrokerBenchmark.guardedGetObjectBrokerMode",
          "BrokerBenchmark.plainGetObject"},
      new String[] {"guarded GetObject, broker mode vs embedded mode", "BrokerBenchmark.guardedGetObjectBrokerMode",
          "BrokerBenchmark.guardedGetObjectEmbedded"});

  private static String percentiles(Map<String, RunResult> byName) {
    StringBuilder sb = new StringBuilder();
    for (String[] r : PERCENTILE_RATIOS) {
      RunResult b = byName.get(r[1]);
      RunResult base = byName.get(r[2]);
      if (b == null || base == null || b.getPrimaryResult().getStatistics().getN() == 0) {
        continue;
      }
      if (sb.length() == 0) {
        sb.append("\n## B7: broker mode (sample time)\n\n| Figure | p50 | p50 baseline | p50 ratio | p99 | p99 baseline "
            + "| p99 ratio |\n| --- | --- | --- | --- | --- | --- | --- |\n");
      }
      var s = b.getPrimaryResult().getStatistics();
      var t = base.getPrimaryResult().getStatistics();
      String unit = b.getPrimaryResult().getScoreUnit();
      sb.append(String.format(Locale.ROOT, "| %s | %s %s | %s %s | %.1fx | %s %s | %s %s | %.1fx |%n", r[0],
          number(s.getPercentile(50)), unit, number(t.getPercentile(50)), unit, s.getPercentile(50) / t.getPercentile(50),
          number(s.getPercentile(99)), unit, number(t.getPercentile(99)), unit, s.getPercentile(99) / t.getPercentile(99)));
    }
    return sb.toString();
  }

  private static String score(RunResult r) {
    Result<?> p = r.getPrimaryResult();
    return number(p.getScore()) + " " + p.getScoreUnit();
  }

  private static String number(double v) {
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
