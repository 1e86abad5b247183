package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One terminal, many requests: they queue, first come first served, and never interleave. */
class ConcurrencyTest {

  private final PipedConsole console = new PipedConsole();

  @AfterEach
  void close() throws Exception {
    console.close();
  }

  @Test
  void twoConcurrentRequestsAreAskedOneAfterTheOther() {
    CompletableFuture<Decision> first = console.decideAsync(Requests.dev("req-A").build());
    console.awaitScreen("Approve request req-A?");
    CompletableFuture<Decision> second = console.decideAsync(Requests.dev("req-B").build());
    console.awaitQueued(1);
    assertThat(console.text()).doesNotContain("req-B");

    console.type("y\n111111\n");
    assertThat(PipedConsole.await(first)).isEqualTo(Decision.Approved.withCode("req-A", "alice", MfaCode.of("111111")));
    console.awaitScreen("Approve request req-B?").type("n\nbusy\n");
    assertThat(PipedConsole.await(second)).isEqualTo(new Decision.Denied("req-B", "alice", "busy"));

    String screen = console.text();
    assertThat(screen.indexOf("Request req-A APPROVED")).isLessThan(screen.indexOf("req-B"));
    assertThat(screen.indexOf("Approve request req-B?")).isLessThan(screen.indexOf("Request req-B DENIED"));
  }

  @Test
  void queuedRequestsAreServedInTheOrderTheyArrived() {
    CompletableFuture<Decision> first = console.decideAsync(Requests.dev("req-A").build());
    console.awaitScreen("Approve request req-A?");
    CompletableFuture<Decision> second = console.decideAsync(Requests.dev("req-B").build());
    console.awaitQueued(1);
    CompletableFuture<Decision> third = console.decideAsync(Requests.dev("req-C").build());
    console.awaitQueued(2);

    console.type("n\n\n");
    PipedConsole.await(first);
    console.awaitScreen("Approve request req-B?").type("n\n\n");
    PipedConsole.await(second);
    console.awaitScreen("Approve request req-C?").type("n\n\n");
    PipedConsole.await(third);

    String screen = console.text();
    assertThat(screen.indexOf("Request req-B DENIED")).isLessThan(screen.indexOf("req-C"));
  }

  @Test
  void aQueuedRequestWhoseDeadlinePassesExpiresWithoutBeingShown() {
    CompletableFuture<Decision> first = console.decideAsync(Requests.dev("req-A").build());
    console.awaitScreen("Approve request req-A?");
    CompletableFuture<Decision> second = console.decideAsync(
        Requests.dev("req-B").decideBy(Requests.NOW.plusSeconds(30)).build());
    console.awaitQueued(1);

    console.clock.advance(Duration.ofSeconds(31));

    assertThat(PipedConsole.await(second)).isEqualTo(new Decision.Expired("req-B"));
    console.type("y\n222222\n");
    assertThat(PipedConsole.await(first)).isEqualTo(Decision.Approved.withCode("req-A", "alice", MfaCode.of("222222")));
    assertThat(console.text()).doesNotContain("req-B");
  }

  @Test
  void closingTheChannelExpiresQueuedRequestsToo() {
    CompletableFuture<Decision> first = console.decideAsync(Requests.dev("req-A").build());
    console.awaitScreen("Approve request req-A?");
    CompletableFuture<Decision> second = console.decideAsync(Requests.dev("req-B").build());
    console.awaitQueued(1);

    console.channel.close();

    assertThat(PipedConsole.await(first)).isEqualTo(new Decision.Expired("req-A"));
    assertThat(PipedConsole.await(second)).isEqualTo(new Decision.Expired("req-B"));
  }
}
