package dev.leasehold.catalog;

import java.util.Objects;

/**
 * One problem found in a catalog (or terraform output) file, at the line and column where it was written.
 *
 * <p>Immutable and thread-safe. {@link #toString()} is the {@code FILE:LINE:COL: message} line that
 * {@code leasehold catalog validate} prints.
 *
 * @param file the file as it was named when loaded
 * @param line the 1-based line
 * @param column the 1-based column
 * @param message what is wrong and how to fix it
 */
public record CatalogProblem(String file, int line, int column, String message) {
  /** Validates the fields. */
  public CatalogProblem {
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(message, "message == null");
  }

  /** {@code FILE:LINE:COL: message}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
