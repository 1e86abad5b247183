package dev.leasehold.approval.console;

import dev.leasehold.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A console channel on a real OS pipe (what the human "types") and a byte buffer (what the terminal would
 * show), driven by a {@link MutableClock}. Everything waits with a bound.
 */
final class PipedConsole implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final MutableClock clock = new MutableClock(Requests.NOW);
  final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final Pipe pipe;
  private final OutputStream keyboard;
  final ConsoleApprovalChannel channel;

  PipedConsole() {
    this(ConsoleApprovalChannel.builder().approver("alice").color(ConsoleApprovalChannel.Color.OFF));
  }

  PipedConsole(ConsoleApprovalChannel.Builder builder) {
    this(builder, true);
  }

  /** With {@code fakeClock} false the channel reads the system clock, for real-time deadline tests. */
  PipedConsole(ConsoleApprovalChannel.Builder builder, boolean fakeClock) {
    try {
      pipe = Pipe.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    keyboard = Channels.newOutputStream(pipe.sink());
    if (fakeClock) {
      builder.clock(clock);
    }
    channel = builder.input(Channels.newInputStream(pipe.source())).output(screen).build();
  }

  /** Types {@code keys} (use \n for Enter). */
  PipedConsole type(String keys) {
    try {
      keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Ends the input, as a closed pipe does. */
  void endInput() {
    try {
      keyboard.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decides on another thread, so the test can watch the screen and type. */
  CompletableFuture<Decision> decideAsync(ApprovalRequest request) {
    return CompletableFuture.supplyAsync(() -> channel.decide(request));
  }

  /** Decides with input already typed. */
  Decision decide(ApprovalRequest request) {
    return await(decideAsync(request));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("decision did not arrive in time", e);
    }
  }

  String text() {
    return screen.toString(StandardCharsets.UTF_8);
  }

  byte[] bytes() {
    return screen.toByteArray();
  }

  /** Waits until the screen shows {@code text} at least {@code times} times. */
  PipedConsole awaitScreen(String text, int times) {
    await(() -> occurrences(text(), text) >= times, "the screen to show '" + text + "' " + times + " time(s)");
    return this;
  }

  PipedConsole awaitScreen(String text) {
    return awaitScreen(text, 1);
  }

  /** Waits until {@code n} decide calls are queued behind the current one. */
  PipedConsole awaitQueued(int n) {
    await(() -> channel.queued() >= n, n + " queued request(s)");
    return this;
  }

  private void await(BooleanSupplier condition, String what) {
    long limit = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - limit).as("waited too long for %s; screen:%n%s", what, text()).isNegative();
      LockSupport.parkNanos(1_000_000);
    }
  }

  static int occurrences(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    channel.close();
    keyboard.close();
    pipe.source().close();
  }
}
