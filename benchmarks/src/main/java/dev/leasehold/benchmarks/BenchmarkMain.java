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
 *
 * <p>After JMH, it measures fresh processes ({@link ColdStart}): the IAM data snapshot's first load in a new
 * JVM, and, when the command-line launcher is built ({@code cli/target/leasehold}, or {@code --cli DIR}), the
 * start-up of {@code leasehold --help} and of {@code credential-process} with a cached lease against
 * {@code aws --version} ({@code --aws PATH}, default {@code /usr/bin/aws}). Skip them with {@code --no-cold}.
 *
 * <p><b>Regression check.</b> Every ratio with a key in {@code benchmarks/baseline.properties} (or
 * {@code --baseline FILE}) is compared with the value recorded there; a ratio more than 25 % worse fails the
 * run (exit status 3) after the results are written. {@code --no-check} skips it. B3 is checked in full mode
 * only: its quick-mode figure is not meaningful (see benchmarks/RESULTS.md).
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** How much worse than its baseline a ratio may get before the run fails. */
  static final double TOLERANCE = 0.25;

  public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
    if (args.length > 0 && args[0].equals("--jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    boolean quick = false;
    Path out = Files.isDirectory(Path.of("benchmarks", "target")) ? Path.of("benchmarks", "target") : Path.of("target");
    String include = BenchmarkMain.class.getPackageName() + ".*";
    Path cli = Files.isRegularFile(Path.of("cli", "target", "leasehold")) ? Path.of("cli", "target") : null;
    Path aws = Path.of("/usr/bin/aws");
    Path baseline = Path.of("benchmarks", "baseline.properties");
    boolean cold = true;
    boolean check = true;
    boolean jmh = true;
    int coldRuns = 11;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--out" -> out = Path.of(args[++i]);
        case "--include" -> include = args[++i];
        case "--cli" -> cli = Path.of(args[++i]);
        case "--aws" -> aws = Path.of(args[++i]);
        case "--baseline" -> baseline = Path.of(args[++i]);
        case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
        case "--no-cold" -> cold = false;
        case "--cold-only" -> jmh = false;
        case "--no-check" -> check = false;
        default -> {
          System.err.println("usage: java -jar benchmarks.jar [--quick|--full] [--out DIR] [--include REGEX] [--cli DIR] "
              + "[--aws PATH] [--cold-runs N] [--no-cold|--cold-only] [--baseline FILE] [--no-check] | --jmh JMH-ARGS");
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
    Collection<RunResult> results = jmh ? new Runner(options.build()).run() : List.of();
    List<ColdStart.Figure> figures = new ArrayList<>();
    if (cold) {
      figures.addAll(ColdStart.iamData(coldRuns));
      if (cli != null) {
        figures.addAll(ColdStart.cli(cli, aws, coldRuns));
      }
      Files.writeString(out.resolve("coldstart.json"), coldJson(figures, started), StandardCharsets.UTF_8);
    }
    Map<String, Double> measured = new LinkedHashMap<>();
    String report = report(results, quick, started, measured) + coldReport(figures, measured);
    String regressions = "";
    if (check && Files.isRegularFile(baseline)) {
      regressions = regressions(measured, baseline, quick);
      report += regressions.isEmpty() ? "\n## Regression check\n\nNo ratio regressed by more than 25 % against "
          + baseline + ".\n" : "\n## Regression check: FAILED\n\n" + regressions;
    }
    Files.writeString(out.resolve("ratios.md"), report, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(report);
    System.out.println("JMH results: " + json.toAbsolutePath() + "; ratios: " + out.resolve("ratios.md").toAbsolutePath());
    if (!regressions.isEmpty()) {
      System.err.println("Benchmark regression (more than 25 % worse than " + baseline + "):\n" + regressions);
      System.exit(3);
    }
  }

  /** Lines naming each ratio more than {@link #TOLERANCE} worse than its baseline; empty when none is. */
  static String regressions(Map<String, Double> measured, Path baselineFile, boolean quick) throws IOException {
    java.util.Properties baseline = new java.util.Properties();
    try (var in = Files.newBufferedReader(baselineFile, StandardCharsets.UTF_8)) {
      baseline.load(in);
    }
    StringBuilder sb = new StringBuilder();
    for (String key : baseline.stringPropertyNames().stream().sorted().toList()) {
      Double value = measured.get(key);
      if (value == null || (quick && key.startsWith("B3"))) {
        continue;
      }
      double base = Double.parseDouble(baseline.getProperty(key));
      boolean higherIsBetter = HIGHER_IS_BETTER.contains(key);
      boolean worse = higherIsBetter ? value < base * (1 - TOLERANCE) : value > base * (1 + TOLERANCE);
      if (worse) {
        sb.append(String.format(Locale.ROOT, "- %s: %.3f against a baseline of %.3f (%s is better)%n", key, value, base,
            higherIsBetter ? "higher" : "lower"));
      }
    }
    return sb.toString();
  }

  /** Ratio keys where a larger value is better; for all others a smaller one is. */
  private static final java.util.Set<String> HIGHER_IS_BETTER = java.util.Set.of("B3", "B3-8", "B3-64", "B4");

  private static String coldReport(List<ColdStart.Figure> figures, Map<String, Double> measured) {
    if (figures.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\n## Fresh processes (medians)\n\n| ID | Figure | Median | Samples (ms) | Target | Met |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    ColdStart.Figure aws = null;
    ColdStart.Figure awsCpu = null;
    for (ColdStart.Figure f : figures) {
      if (f.id().equals("S0")) {
        aws = f;
      } else if (f.id().equals("S0-cpu")) {
        awsCpu = f;
      }
    }
    for (ColdStart.Figure f : figures) {
      double limit = switch (f.id()) {
        case "IAM", "IAM-cpu" -> 50;
        case "S1" -> 250;
        case "S2" -> 300;
        case "S1-cpu" -> 250;
        case "S2-cpu" -> 300;
        default -> Double.NaN;
      };
      String target = Double.isNaN(limit) ? "baseline" : String.format(Locale.ROOT, "< %.0f ms", limit);
      String met = Double.isNaN(limit) ? "" : f.medianMs() < limit ? "yes" : "no";
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f ms | %s | %s | %s |%n", f.id(), f.what(), f.medianMs(),
          ColdStart.samples(f.samplesMs()), target, met));
      measured.put(f.id() + "-ms", f.medianMs());
      ColdStart.Figure base = f.id().endsWith("-cpu") ? awsCpu : aws;
      if (base != null && f.id().startsWith("S") && f != base) {
        measured.put(f.id(), f.medianMs() / base.medianMs());
      }
    }
    if (aws != null) {
      sb.append("\nAgainst `aws --version` in the same run: ");
      List<String> parts = new ArrayList<>();
      for (ColdStart.Figure f : figures) {
        ColdStart.Figure base = f.id().endsWith("-cpu") ? awsCpu : aws;
        if (base != null && f.id().startsWith("S") && f != base) {
          parts.add(String.format(Locale.ROOT, "%s %.2fx", f.id(), f.medianMs() / base.medianMs()));
        }
      }
      sb.append(String.join(", ", parts)).append(".\n");
    }
    return sb.toString();
  }

  private static String coldJson(List<ColdStart.Figure> figures, Instant started) {
    StringBuilder sb = new StringBuilder("{\n  \"started\": \"" + started + "\",\n  \"figures\": [\n");
    for (int i = 0; i < figures.size(); i++) {
      ColdStart.Figure f = figures.get(i);
      sb.append(String.format(Locale.ROOT, "    {\"id\": \"%s\", \"what\": \"%s\", \"medianMs\": %.2f, \"samplesMs\": [%s]}%s%n",
          f.id(), f.what(), f.medianMs(), ColdStart.samples(f.samplesMs()).replace(" ", ""), i + 1 < figures.size() ? "," : ""));
    }
    return sb.append("  ]\n}\n").toString();
  }

  /** One figure: a benchmark measured against its baseline in the same run; {@code key} names it in baselines. */
  private record Ratio(String key, String id, String what, String benchmark, String baseline, boolean higherIsFaster,
      boolean invert, String target, double limit) {}

  private static final List<Ratio> RATIOS = List.of(
      new Ratio("B1", "B1", "lease credentials vs StaticCredentialsProvider", "CredentialsBenchmark.leaseResolve",
          "CredentialsBenchmark.staticResolve", false, false, "<= 1.5x", 1.5),
      new Ratio("B1-sts", "B1", "lease credentials vs warmed StsAssumeRoleCredentialsProvider", "CredentialsBenchmark.leaseResolve",
          "CredentialsBenchmark.stsProviderResolve", false, false, "<= 1.0x", 1.0),
      new Ratio("B2", "B2", "open() cache hit vs warmed StsAssumeRoleCredentialsProvider", "CredentialsBenchmark.openCacheHit",
          "CredentialsBenchmark.stsProviderResolve", false, false, "<= 3x", 3.0),
      new Ratio("B3", "B3", "guarded GetObject throughput vs unguarded, 1 thread", "GuardedCallBenchmark.guardedGetObject",
          "GuardedCallBenchmark.unguardedGetObject", true, false, ">= 0.95", 0.95),
      new Ratio("B3-8", "B3", "guarded GetObject throughput vs unguarded, 8 threads",
          "GuardedCallBenchmark.guardedGetObject8", "GuardedCallBenchmark.unguardedGetObject8", true, false, ">= 0.95", 0.95),
      new Ratio("B3-64", "B3", "guarded GetObject throughput vs unguarded, 64 threads",
          "GuardedCallBenchmark.guardedGetObject64", "GuardedCallBenchmark.unguardedGetObject64", true, false, ">= 0.95",
          0.95),
      new Ratio("B3-audit64", "B3", "file sink records/s, 64 threads vs 1 thread (group commit)",
          "AuditRecordBenchmark.jsonLinesRecord64", "AuditRecordBenchmark.jsonLinesRecord1", true, false, "report", 0),
      new Ratio("B4", "B4", "cached session.client() vs new client (times faster)", "ClientCacheBenchmark.cachedClient",
          "ClientCacheBenchmark.newClient", false, true, ">= 100x", 100),
      new Ratio("B6", "B6", "256 concurrent opens vs one open (wall time)", "SingleFlightBenchmark.concurrentOpens256",
          "SingleFlightBenchmark.singleOpen", false, false, "<= 1.5x", 1.5),
      new Ratio("B8-8", "B8", "PostgreSQL audit records/s, 8 threads vs 1 thread (group commit)",
          "FleetAuditBenchmark.postgresRecord8Threads", "FleetAuditBenchmark.postgresRecord1Thread", true, false,
          "report", Double.NaN),
      new Ratio("B8-64", "B8", "PostgreSQL audit records/s, 64 threads vs 1 thread (group commit)",
          "FleetAuditBenchmark.postgresRecord64Threads", "FleetAuditBenchmark.postgresRecord1Thread", true, false,
          "report", Double.NaN),
      new Ratio("B8-pg-vs-file", "B8", "PostgreSQL audit records/s vs file sink, 1 thread", "FleetAuditBenchmark.postgresRecord1Thread",
          "FleetAuditBenchmark.fileRecord1Thread", true, false, "report", Double.NaN),
      new Ratio("B8-open", "B8", "open() of a new task, PostgreSQL sink vs file sink", "FleetAuditBenchmark.openNewTaskPostgres",
          "FleetAuditBenchmark.openNewTaskFile", false, false, "report", Double.NaN),
      new Ratio("B8-guarded", "B8", "guarded GetObject, PostgreSQL sink vs file sink", "FleetAuditBenchmark.guardedGetObjectPostgres",
          "FleetAuditBenchmark.guardedGetObjectFile", false, false, "report", Double.NaN));

  static String report(Collection<RunResult> results, boolean quick, Instant started, Map<String, Double> measured) {
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
      measured.put(ratio.key(), value);
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
