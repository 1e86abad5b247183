package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void acceptsShortFormsAndIso() {
    assertThat(Durations.parse("90s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("15m")).contains(Duration.ofMinutes(15));
    assertThat(Durations.parse(" 1H ")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("PT15M")).contains(Duration.ofMinutes(15));
    assertThat(Durations.parse("pt2m")).contains(Duration.ofMinutes(2));
    assertThat(Durations.parse("-PT1M")).contains(Duration.ofMinutes(-1));
  }

  @Test
  void rejectsEverythingElse() {
    for (String bad : new String[] {null, "", "m", "15", "15 m", "15d", "1.5h", "soon", "PT", "1234567890s", "P1Y"}) {
      assertThat(Durations.parse(bad)).as(String.valueOf(bad)).isEmpty();
    }
  }

  @Test
  void formatsTheShortestExactSpelling() {
    assertThat(Durations.format(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }

  @Test
  void spellsDurationsForPeopleExactlyToTheSecond() {
    assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.human(Duration.ofSeconds(90))).isEqualTo("1m 30s");
    assertThat(Durations.human(Duration.ofSeconds(299))).isEqualTo("4m 59s");
    assertThat(Durations.human(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(Durations.human(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.human(Duration.ofMinutes(65))).isEqualTo("1h 5m");
    assertThat(Durations.human(Duration.ofSeconds(3630))).isEqualTo("1h 30s");
    assertThat(Durations.human(Duration.ofSeconds(3930))).isEqualTo("1h 5m 30s");
    assertThat(Durations.human(Duration.ofMillis(59_999))).as("a fraction of a second is dropped").isEqualTo("59s");
  }

  @Test
  void spellsZeroAndNegativeDurationsAsZero() {
    assertThat(Durations.human(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.human(Duration.ofMillis(400))).isEqualTo("0s");
    assertThat(Durations.human(Duration.ofSeconds(-5))).isEqualTo("0s");
  }
}
