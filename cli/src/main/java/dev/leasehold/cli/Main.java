package dev.leasehold.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code leasehold} command line. Exit codes: 0 success, 1 a finding or a refused request, 2 a usage
 * error. Results go to standard output, errors to standard error.
 */
public final class Main {
  private static final Logger CAFFEINE = Logger.getLogger("com.github.benmanes.caffeine");

  private Main() {}

  /**
   * Runs one command and exits with its code.
   *
   * @param args the command line, such as {@code demo} or {@code lint leasehold.yaml}
   */
  public static void main(String[] args) {
    // Caffeine reports every failed asynchronous load (each denial, each refused request) with a stack trace
    // through java.util.logging; the command already reports the outcome in plain words.
    CAFFEINE.setLevel(Level.OFF);
    int code = LeaseholdCommand.execute(Cli.system(), args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }
}
