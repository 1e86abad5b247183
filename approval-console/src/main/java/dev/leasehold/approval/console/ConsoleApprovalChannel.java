package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.InertText;
import java.io.IOError;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Asks a human on a terminal whether an agent may assume a role.
 *
 * <p>The rules it enforces:
 * <ul>
 *   <li>Only the human decides. Nothing is approved unless the human types {@code y}, then, for a
 *       {@linkplain ApprovalRequest#requiresRoleKeyConfirmation() production role}, the role key exactly
 *       (a mismatch denies at once), then, when {@linkplain ApprovalRequest#requiresMfa() MFA is
 *       required}, a six-digit code. The code is read without echo, never printed, and after three
 *       malformed codes the request is denied. End of input is an {@link ApprovalChannelException}, never
 *       an approval.
 *   <li>Agent text is shown inert: every control character, ANSI escape, carriage return, newline and
 *       invisible formatting character in the request is printed as a visible escape ({@code \e},
 *       {@code \r}, {@code \n}, {@code \x07}, {@code \u202e}), and long text is wrapped, never cut.
 *   <li>Every wait ends by the request's {@link ApprovalRequest#decideBy() decideBy} (and, when a
 *       {@linkplain Builder#timeout(Duration) timeout} is set, by that long after the prompt appears);
 *       then the request is {@link Decision.Expired} and the terminal says so.
 *   <li>Decisions carry the request's id and the configured approver (the terminal's user), never a name
 *       taken from the request.
 * </ul>
 *
 * <p>Where it asks: {@link #onTerminal()} (and {@code ApprovalChannels.load("console", config)}) opens
 * the process's controlling terminal, {@code /dev/tty}, so the prompt shows even when stdin and stdout
 * are captured, as under the AWS CLI's {@code credential_process}. Without a terminal it refuses to
 * start with an {@link ApprovalChannelException} of kind {@code CONFIGURATION}. For piped use and tests,
 * {@link #builder()} takes an input and an output stream instead.
 *
 * <pre>{@code
 * try (ApprovalChannel channel = ConsoleApprovalChannel.builder()
 *     .input(in).output(out).approver("alice").timeout(Duration.ofMinutes(2)).build()) {
 *   Decision decision = channel.decide(request);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Concurrent {@link #decide(ApprovalRequest)} calls are served one at a time, first come
 * first served, so two prompts never interleave; a request whose deadline passes while it waits returns
 * {@code Expired} without being shown. Whoever built the channel closes it: {@link #close()} makes
 * pending and queued calls return {@code Expired} and releases the terminal the channel opened (restoring
 * its modes). Streams given to the builder are not closed; they stay the caller's.
 */
public final class ConsoleApprovalChannel implements ApprovalChannel {

  private static final Pattern APPROVER = Pattern.compile("[A-Za-z0-9_.=+@-]{1,64}");
  private static final long CLOSE_WAIT_SECONDS = 2;

  private final ConsoleIo io;
  private final String approver;
  private final Duration timeout;
  private final Color color;
  private final boolean useColor;
  private final Clock clock;
  private final Turnstile turnstile = new Turnstile();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConsoleApprovalChannel(Builder builder, String approver, ConsoleIo io) {
    this.io = io;
    this.approver = approver;
    this.timeout = builder.timeout;
    this.color = builder.color;
    this.useColor = color == Color.ON || color == Color.AUTO && io.supportsColor();
    this.clock = builder.clock;
  }

  /**
   * A channel on the controlling terminal with the defaults: the OS user as approver, no timeout beyond
   * each request's deadline, automatic colour.
   *
   * @return a new channel, to be closed by the caller
   * @throws ApprovalChannelException ({@code CONFIGURATION}) when the process has no terminal
   */
  public static ConsoleApprovalChannel onTerminal() {
    return builder().build();
  }

  /**
   * A builder; without streams it builds a channel on the controlling terminal.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Shows {@code request} and waits for the human, at most until its deadline.
   *
   * @param request what the agent asks for
   * @return the decision bound to {@code request.id()}: approved, denied, or expired when the deadline
   *     passed (also while queued) or the channel closed
   * @throws ApprovalChannelException ({@code UNAVAILABLE}) when the input ends or the terminal fails
   *     before a decision; nothing is approved then
   */
  @Override
  public Decision decide(ApprovalRequest request) {
    Objects.requireNonNull(request, "request == null");
    BooleanSupplier over = () -> closed.get() || !clock.instant().isBefore(request.decideBy());
    try {
      if (!turnstile.enter(over)) {
        return new Decision.Expired(request.id());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Decision.Expired(request.id());
    }
    try {
      if (over.getAsBoolean()) {
        return new Decision.Expired(request.id());
      }
      Instant capped = timeout == null ? request.decideBy() : clock.instant().plus(timeout);
      Instant deadline = capped.isBefore(request.decideBy()) ? capped : request.decideBy();
      return new Dialogue(io, request, approver, deadline, clock, useColor, closed::get).run();
    } catch (IOError | UncheckedIOException e) {
      throw new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE,
          "The console approval channel lost " + io + " while asking about request " + InertText.escape(request.id())
              + "; nothing was approved.", e);
    } finally {
      turnstile.leave();
    }
  }

  /**
   * Stops the channel: waiting and queued {@code decide} calls return {@code Expired}, and the terminal
   * the channel opened is released. Waits at most two seconds for the current prompt to end. Never
   * throws; calling it again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
    boolean turn = false;
    try {
      turn = turnstile.enter(() -> System.nanoTime() - limit > 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      io.close();
    } finally {
      if (turn) {
        turnstile.leave();
      }
    }
  }

  /** How many {@code decide} calls wait for their turn; for tests. */
  int queued() {
    return turnstile.waiting();
  }

  @Override
  public String toString() {
    return "ConsoleApprovalChannel[on " + io + ", approver=" + approver
        + ", timeout=" + (timeout == null ? "none" : timeout) + ", color=" + color
        + (closed.get() ? ", closed" : "") + "]";
  }

  /** Whether the channel colours its output. */
  public enum Color {
    /** Colour on a terminal whose {@code TERM} is set and not {@code dumb}, unless {@code NO_COLOR} is set. */
    AUTO,
    /** Always colour (ANSI SGR sequences, even on streams). */
    ON,
    /** Never colour: the output contains no escape sequence at all. */
    OFF
  }

  /**
   * Builds a {@link ConsoleApprovalChannel}. Settings are checked when set and fail with
   * {@link IllegalArgumentException} saying why. Set both {@link #input} and {@link #output} for piped
   * use, or neither for the controlling terminal. Not thread-safe; the channel it builds is immutable.
   */
  public static final class Builder {
    private InputStream input;
    private OutputStream output;
    private String approver;
    private Duration timeout;
    private Color color = Color.AUTO;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Reads the human's answers from {@code input} (UTF-8 lines); the caller keeps and closes it.
     *
     * @param input where the answers come from
     * @return this builder
     */
    public Builder input(InputStream input) {
      this.input = Objects.requireNonNull(input, "input == null");
      return this;
    }

    /**
     * Writes the prompts to {@code output} (UTF-8); the caller keeps and closes it.
     *
     * @param output where the prompts go
     * @return this builder
     */
    public Builder output(OutputStream output) {
      this.output = Objects.requireNonNull(output, "output == null");
      return this;
    }

    /**
     * The name recorded as approver; default the OS user ({@code user.name}). It must be 1-64 characters
     * of letters, digits and {@code _ . = + @ -}, because it ends up in AWS session tags.
     *
     * @param approver the terminal user's name
     * @return this builder
     * @throws IllegalArgumentException when the name has other characters or length
     */
    public Builder approver(String approver) {
      Objects.requireNonNull(approver, "approver == null");
      if (!APPROVER.matcher(approver).matches()) {
        throw new IllegalArgumentException("approver must be 1-64 characters of letters, digits and _ . = + @ -"
            + " (it is recorded in the audit trail and in AWS session tags), was '" + InertText.escape(approver) + "'");
      }
      this.approver = approver;
      return this;
    }

    /**
     * How long the human has once the prompt is shown; the request's own deadline still applies, and
     * whichever comes first ends the wait. Default: no limit beyond the request's deadline.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Whether to colour the output; default {@link Color#AUTO}.
     *
     * @param color when to send ANSI colours
     * @return this builder
     */
    public Builder color(Color color) {
      this.color = Objects.requireNonNull(color, "color == null");
      return this;
    }

    /**
     * The clock that deadlines are read from; default the system clock. Tests move a fake one instead of
     * sleeping.
     *
     * @param clock the clock to read
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds the channel, opening the controlling terminal when no streams were given.
     *
     * @return a new channel, to be closed by the caller
     * @throws IllegalStateException when only one of input and output is set
     * @throws ApprovalChannelException ({@code CONFIGURATION}) when no streams were given and the process
     *     has no terminal, or when no approver is set and the OS user name is not usable as one
     */
    public ConsoleApprovalChannel build() {
      if ((input == null) != (output == null)) {
        throw new IllegalStateException("set both input and output for piped use, or neither to use the "
            + "controlling terminal; only " + (input == null ? "output" : "input") + " was set");
      }
      String name = approver;
      if (name == null) {
        String user = System.getProperty("user.name", "");
        if (!APPROVER.matcher(user).matches()) {
          throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION,
              "The OS user name '" + InertText.escape(user) + "' cannot be recorded as the approver; set 'approver' "
                  + "to 1-64 characters of letters, digits and _ . = + @ -");
        }
        name = user;
      }
      ConsoleIo io = input != null ? ConsoleIo.ofStreams(input, output) : ConsoleIo.onControllingTerminal();
      return new ConsoleApprovalChannel(this, name, io);
    }
  }
}
