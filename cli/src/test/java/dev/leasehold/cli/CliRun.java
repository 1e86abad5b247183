package dev.leasehold.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Runs the command line in-process on captured streams, with a chosen environment and home. */
final class CliRun {
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private final Map<String, String> env = new LinkedHashMap<>();
  private String stdin = "";
  private Cli.ChannelFactory channels = (name, config) -> {
    throw new AssertionError("no approval channel expected in this test");
  };
  private Path home = Path.of("/nonexistent-leasehold-test-home");
  private Clock clock = Clock.systemUTC();

  static CliRun cli() {
    return new CliRun();
  }

  CliRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  CliRun stdin(String text) {
    this.stdin = text;
    return this;
  }

  CliRun channels(Cli.ChannelFactory channels) {
    this.channels = channels;
    return this;
  }

  CliRun home(Path home) {
    this.home = home;
    return this;
  }

  CliRun clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli = new Cli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        () -> false, channels, home, clock);
    int exit = LeaseholdCommand.execute(cli, args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The path of a file under {@code src/test/resources}. */
  static String resource(String name) {
    try {
      return Path.of(Objects.requireNonNull(CliRun.class.getResource("/" + name), name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
