package dev.leasehold.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark run's regression check: a ratio more than 25 % worse than its baseline fails the run. */
class RegressionCheckTest {
  @TempDir Path dir;

  private Path baseline() throws IOException {
    return Files.writeString(dir.resolve("baseline.properties"), "B2=2.0\nB4=1000\nB3=0.96\nB6=1.04\n");
  }

  @Test
  void aRatioWithinTwentyFivePercentPasses() throws IOException {
    Map<String, Double> measured = new LinkedHashMap<>(Map.of("B2", 2.49, "B4", 751.0, "B3", 0.73, "B6", 1.3));
    assertThat(BenchmarkMain.regressions(measured, baseline(), false)).isEmpty();
  }

  @Test
  void aLowerIsBetterRatioMoreThanTwentyFivePercentHigherFails() throws IOException {
    Map<String, Double> measured = new LinkedHashMap<>(Map.of("B2", 2.51, "B4", 1000.0, "B6", 1.31));
    assertThat(BenchmarkMain.regressions(measured, baseline(), false)).contains("B2: 2.510", "B6: 1.310")
        .doesNotContain("B4");
  }

  @Test
  void aHigherIsBetterRatioMoreThanTwentyFivePercentLowerFails() throws IOException {
    Map<String, Double> measured = new LinkedHashMap<>(Map.of("B4", 749.0, "B3", 0.71));
    assertThat(BenchmarkMain.regressions(measured, baseline(), false)).contains("B4: 749.000", "B3: 0.710");
  }

  @Test
  void quickModeDoesNotJudgeB3() throws IOException {
    Map<String, Double> measured = new LinkedHashMap<>(Map.of("B3", 0.35));
    assertThat(BenchmarkMain.regressions(measured, baseline(), true)).isEmpty();
    assertThat(BenchmarkMain.regressions(measured, baseline(), false)).contains("B3: 0.350");
  }

  @Test
  void theCommittedBaselineNamesTheFiguresTheIssueKeeps() throws IOException {
    Path committed = Path.of("baseline.properties");
    java.util.Properties p = new java.util.Properties();
    try (var in = Files.newBufferedReader(committed)) {
      p.load(in);
    }
    assertThat(p.stringPropertyNames()).contains("B1", "B2", "B3", "B4", "B6", "IAM-ms");
  }
}
