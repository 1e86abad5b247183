package dev.leasehold.cli;

/** A failure a command reports on standard error with exit code 1; its message says what to do. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
