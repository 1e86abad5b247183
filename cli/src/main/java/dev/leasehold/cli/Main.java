package dev.leasehold.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code leasehold} command line. Exit codes: 0 success, 1 a finding or a refused request, 2 a usage
 * error. Results go to standard output, errors to standard error.
 */
public final class Main {
  private Main() {}

  /** Holds the silenced logger (java.util.logging keeps loggers weakly): set up only by commands that need it. */
  private static final class Quiet {
    static final Logger CAFFEINE = Logger.getLogger("com.github.benmanes.caffeine");

    static {
      CAFFEINE.setLevel(Level.OFF);
    }
  }

  /**
   * Caffeine reports every failed asynchronous load (each denial, each refused request) with a stack trace
   * through java.util.logging; the command already reports the outcome in plain words. Called by the commands
   * that open sessions in this process, before they do: setting up java.util.logging costs every other
   * command (help, a cached credential-process) start-up time for nothing.
   */
  static void quietCaffeine() {
    Quiet.CAFFEINE.getLevel();
  }

  /**
   * Runs one command and exits with its code.
   *
   * @param args the command line, such as {@code demo} or {@code lint leasehold.yaml}
   */
  public static void main(String[] args) {
    int code = LeaseholdCommand.execute(Cli.system(), args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }
}
