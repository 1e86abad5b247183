package dev.leasehold.approval.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The real sleeper waits, and gives up when interrupted; the channel's tests use a recording one instead. */
class SleeperTest {

  @Test
  void theThreadSleeperWaitsAsLongAsAsked() throws Exception {
    long start = System.nanoTime();

    Sleeper.THREAD.sleep(Duration.ofMillis(50));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
  }

  @Test
  void theThreadSleeperStopsWhenInterrupted() {
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> Sleeper.THREAD.sleep(Duration.ofMinutes(10))).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
