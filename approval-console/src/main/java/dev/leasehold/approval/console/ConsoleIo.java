package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalChannelException;
import java.io.IOError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.PosixSysTerminal;
import org.jline.terminal.impl.exec.ExecPty;
import org.jline.terminal.impl.exec.ExecTerminalProvider;
import org.jline.utils.NonBlocking;
import org.jline.utils.NonBlockingReader;
import org.jline.utils.OSUtils;

/**
 * Where the channel talks to the human: the controlling terminal, or a pair of caller-supplied streams.
 *
 * <p>Every read is bounded: it polls in slices of {@link #POLL_MILLIS} and gives up when the deadline
 * (read from the channel's clock) passes or the channel closes. The terminal stays in canonical
 * ("cooked") mode, so the kernel edits and echoes the line; for secrets only echo is switched off, as
 * {@code Console.readPassword} does. Input typed by the human is never written back by this class.
 *
 * <p>Not thread-safe: the channel lets one request at a time use it.
 */
final class ConsoleIo implements AutoCloseable {

  /** How often a waiting read looks at the clock and at {@code close()}. */
  static final long POLL_MILLIS = 50;
  private static final int MAX_LINE = 1024;
  private static final int DEFAULT_WIDTH = 80;

  private final NonBlockingReader reader;
  private final PrintWriter writer;
  private final Terminal terminal;
  private final String description;
  private boolean skipLineFeed;

  private ConsoleIo(NonBlockingReader reader, PrintWriter writer, Terminal terminal, String description) {
    this.reader = reader;
    this.writer = writer;
    this.terminal = terminal;
    this.description = description;
  }

  /** Talks through {@code in} and {@code out} (UTF-8, lines end with LF, CR or CRLF); closes neither. */
  static ConsoleIo ofStreams(InputStream in, OutputStream out) {
    return new ConsoleIo(NonBlocking.nonBlocking("leasehold-approval", in, StandardCharsets.UTF_8),
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), null, "the configured streams");
  }

  /**
   * Opens the controlling terminal ({@code /dev/tty}), whatever the process's stdin and stdout are
   * connected to, so prompts show even when a caller such as the AWS CLI captures them.
   *
   * @throws ApprovalChannelException ({@code CONFIGURATION}) when the process has no terminal
   */
  static ConsoleIo onControllingTerminal() {
    try {
      Terminal terminal = OSUtils.IS_WINDOWS
          ? TerminalBuilder.builder().system(true).dumb(false).nativeSignals(false).build()
          : new PosixSysTerminal("leasehold-approval", System.getenv().getOrDefault("TERM", "dumb"),
              new ControllingTty(), null, false, Terminal.SignalHandler.SIG_DFL);
      return new ConsoleIo(terminal.reader(), terminal.writer(), terminal, "the controlling terminal");
    } catch (IOException | IOError | RuntimeException e) {
      throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION,
          "The console approval channel found no terminal to ask a human on (" + e.getMessage() + "). "
              + "Run the agent from a terminal, give ConsoleApprovalChannel.builder() an input and an output "
              + "stream, or choose another approval channel such as 'slack'. Nothing was approved.", e);
    }
  }

  /** Whether colour is worth sending: a terminal that is not dumb, and no {@code NO_COLOR}. */
  boolean supportsColor() {
    String term = System.getenv("TERM");
    return terminal != null && term != null && !term.isBlank() && !"dumb".equals(term)
        && System.getenv("NO_COLOR") == null;
  }

  /** Columns to lay text out in. */
  int width() {
    int width = terminal != null ? terminal.getWidth() : 0;
    return width > 0 ? width : DEFAULT_WIDTH;
  }

  /** Writes {@code text} (already made inert by the caller) and flushes it. */
  void print(String text) {
    writer.print(text);
    writer.flush();
    if (writer.checkError()) {
      throw new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE,
          "The console approval channel could not write to " + description + "; nothing was approved.");
    }
  }

  /**
   * On a terminal, throws away complete lines typed before the question was shown, so a keystroke meant
   * for something else cannot answer a request the human has not seen yet.
   */
  void discardTypeahead() {
    if (terminal == null) {
      return;
    }
    try {
      for (int i = 0; i < MAX_LINE * 4 && reader.read(POLL_MILLIS) >= 0; i++) {
        // discard
      }
      skipLineFeed = false;
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  /**
   * Shows {@code prompt} and reads one line.
   *
   * @param secret when true the terminal does not echo what is typed (echo is switched off before the
   *     prompt is shown and restored afterwards)
   * @param deadline when to stop waiting, on {@code clock}
   * @param closed polled while waiting; when true the read stops with {@link Status#CLOSED}
   */
  Answer ask(String prompt, boolean secret, Instant deadline, Clock clock, BooleanSupplier closed) {
    Attributes saved = secret && terminal != null ? terminal.getAttributes() : null;
    Answer answer = null;
    try {
      if (saved != null) {
        Attributes quiet = new Attributes(saved);
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        terminal.setAttributes(quiet);
      }
      print(prompt);
      answer = readLine(deadline, clock, closed);
      return answer;
    } finally {
      if (saved != null) {
        terminal.setAttributes(saved);
      }
      // The terminal echoed the Enter of a visible answer; everywhere else end the prompt's line here.
      if (terminal == null || secret || answer == null || answer.status() != Status.LINE) {
        print("\n");
      }
    }
  }

  private Answer readLine(Instant deadline, Clock clock, BooleanSupplier closed) {
    StringBuilder line = new StringBuilder();
    try {
      while (true) {
        if (closed.getAsBoolean()) {
          return new Answer(Status.CLOSED, "");
        }
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
          return new Answer(Status.TIMEOUT, "");
        }
        int c = reader.read(Math.min(left, POLL_MILLIS));
        if (c == NonBlockingReader.READ_EXPIRED) {
          continue;
        }
        if (c == NonBlockingReader.EOF) {
          return new Answer(Status.END, "");
        }
        if (c == '\n' && skipLineFeed) {
          skipLineFeed = false;
          continue;
        }
        skipLineFeed = c == '\r';
        if (c == '\n' || c == '\r') {
          return new Answer(Status.LINE, line.toString());
        }
        if (line.length() < MAX_LINE) {
          line.append((char) c);
        }
      }
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return new Answer(Status.CLOSED, "");
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private ApprovalChannelException unavailable(IOException e) {
    return new ApprovalChannelException(ApprovalChannelException.Kind.UNAVAILABLE,
        "The console approval channel could not read from " + description + " (" + e.getMessage()
            + "); nothing was approved.", e);
  }

  /** Releases the terminal it opened (restoring its modes); caller-supplied streams stay open. */
  @Override
  public void close() {
    if (terminal == null) {
      writer.flush();
      return;
    }
    try {
      terminal.close();
    } catch (IOException | IOError e) {
      // nothing left to release
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** How a read ended. */
  enum Status {
    /** The human typed a line. */
    LINE,
    /** The deadline passed. */
    TIMEOUT,
    /** The channel closed or the waiting thread was interrupted. */
    CLOSED,
    /** The input ended. */
    END
  }

  /**
   * The outcome of one read. Not a record: the text may be an MFA code, so {@code toString} is the
   * object's identity only.
   */
  static final class Answer {
    private final Status status;
    private final String text;

    Answer(Status status, String text) {
      this.status = status;
      this.text = text;
    }

    Status status() {
      return status;
    }

    /** What the human typed, without the line ending; empty unless {@link #status()} is LINE. */
    String text() {
      return text;
    }

    @Override
    public String toString() {
      return "Answer[" + status + "]";
    }
  }

  /**
   * The process's controlling terminal through JLine's {@code stty}-based pty, whatever stdin and stdout
   * are. Reads go straight to {@code /dev/tty}: JLine then times them out with its reader thread, which
   * works in canonical mode (its own VMIN/VTIME polling would not).
   */
  private static final class ControllingTty extends ExecPty {
    ControllingTty() {
      super(new ExecTerminalProvider(), null, "/dev/tty");
    }

    @Override
    public InputStream getSlaveInput() throws IOException {
      return doGetSlaveInput();
    }
  }
}
