package dev.leasehold.cli;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.iam.AwsSharedFiles;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What a command may touch of the outside world: the environment, the standard streams, whether a
 * terminal is attached, how approval channels are found, the home directory and the clock. {@link #system()}
 * is the real process; tests build their own, so commands run in-process on piped streams.
 */
final class Cli {
  /** Opens an approval channel by provider name; by default {@link ApprovalChannels#load(String, Map)}. */
  @FunctionalInterface
  interface ChannelFactory {
    ApprovalChannel open(String name, Map<String, String> config);

    /**
     * Opens a channel that relays decisions across a fleet's brokers; by default {@link
     * ApprovalChannels#load(String, Map, dev.leasehold.approval.DecisionRelay)}.
     */
    default ApprovalChannel open(String name, Map<String, String> config, dev.leasehold.approval.DecisionRelay relay) {
      return ApprovalChannels.load(name, config, relay);
    }
  }

  final Map<String, String> env;
  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final BooleanSupplier terminal;
  final ChannelFactory channels;
  final Path home;
  final Clock clock;

  Cli(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, BooleanSupplier terminal,
      ChannelFactory channels, Path home, Clock clock) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
    this.in = Objects.requireNonNull(in, "in == null");
    this.out = Objects.requireNonNull(out, "out == null");
    this.err = Objects.requireNonNull(err, "err == null");
    this.terminal = Objects.requireNonNull(terminal, "terminal == null");
    this.channels = Objects.requireNonNull(channels, "channels == null");
    this.home = Objects.requireNonNull(home, "home == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /**
   * The real process: {@link System#getenv()}, the standard streams, the home folder as the AWS CLI finds it
   * ({@code HOME}, else {@code user.home}; see {@link AwsSharedFiles#home}), the UTC clock.
   */
  static Cli system() {
    Map<String, String> env = System.getenv();
    return new Cli(env, System.in, System.out, System.err, () -> System.console() != null,
        ApprovalChannels::load, AwsSharedFiles.home(env, System.getProperty("user.home")), Clock.systemUTC());
  }
}
