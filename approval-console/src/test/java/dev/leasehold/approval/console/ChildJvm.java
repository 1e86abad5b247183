package dev.leasehold.approval.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link PtyMain} in a child JVM, either inside a pseudo-terminal made by util-linux {@code script}
 * (its stdin from /dev/null and its stdout in a file, as under {@code credential_process}) or in a new
 * session without any terminal ({@code setsid}). Every wait is bounded; {@link #close()} kills the child.
 */
final class ChildJvm implements AutoCloseable {
  static final Path SCRIPT = Path.of("/usr/bin/script");
  static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Process process;
  private final Path stdout;
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final OutputStream keyboard;

  private ChildJvm(ProcessBuilder builder, Path stdout) {
    this.stdout = stdout;
    builder.redirectErrorStream(true);
    builder.environment().put("SHELL", "/bin/sh");
    builder.environment().put("TERM", "xterm-256color");
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    keyboard = process.getOutputStream();
    Thread pump = new Thread(() -> copy(process.getInputStream()), "pty-screen");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@link PtyMain} on a fresh pseudo-terminal; the PTY's screen is what {@link #screen()} shows. */
  static ChildJvm onPseudoTerminal(Path dir, Map<String, String> env) {
    String command = "exec " + String.join(" ", quoted(java()))
        + " </dev/null >" + quote(dir.resolve("stdout").toString())
        + " 2>" + quote(dir.resolve("stderr").toString());
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "-qfec", command, "/dev/null");
    builder.environment().putAll(env);
    return new ChildJvm(builder, dir.resolve("stdout"));
  }

  /** Starts {@link PtyMain} in a new session that has no controlling terminal. */
  static ChildJvm withoutTerminal(Path dir) {
    List<String> command = new ArrayList<>(List.of(SETSID.toString(), "-w"));
    command.addAll(java());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    return new ChildJvm(builder, null);
  }

  private static List<String> java() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), PtyMain.class.getName());
  }

  private static List<String> quoted(List<String> words) {
    return words.stream().map(ChildJvm::quote).toList();
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private void copy(InputStream in) {
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        synchronized (screen) {
          screen.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  /** Everything the terminal displayed so far (or, without a terminal, what the child printed). */
  String screen() {
    synchronized (screen) {
      return screen.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until the screen shows {@code text}. */
  ChildJvm awaitScreen(String text) {
    long limit = System.nanoTime() + WAIT.toNanos();
    while (!screen().contains(text)) {
      assertThat(process.isAlive() || screen().contains(text))
          .as("child exited before showing '%s'; screen:%n%s", text, screen()).isTrue();
      assertThat(System.nanoTime() - limit).as("screen never showed '%s':%n%s", text, screen()).isNegative();
      LockSupport.parkNanos(5_000_000);
    }
    return this;
  }

  /** Sends keystrokes to the terminal (use \r for Enter, as a keyboard does). */
  ChildJvm type(String keys) {
    try {
      keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Waits for the child to exit and returns its exit code. */
  int awaitExit() {
    try {
      assertThat(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("child did not exit; screen:%n%s", screen()).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** What the child wrote to its redirected stdout. */
  String stdout() {
    try {
      return stdout == null ? screen() : Files.readString(stdout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
