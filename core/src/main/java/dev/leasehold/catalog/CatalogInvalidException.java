package dev.leasehold.catalog;

import dev.leasehold.LeaseholdException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A catalog that Leasehold refuses to load.
 *
 * <p>The rule: a catalog is the single source of truth for what an agent may do, so nothing in it is
 * guessed or silently ignored. Every problem in a file (unknown keys, bad ARNs, durations out of range,
 * duplicate keys, malformed statements, missing ARNs) is collected and reported together, each with the
 * file, line and column it was written at. The message holds one {@code FILE:LINE:COL: message} per line.
 */
public final class CatalogInvalidException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  private final List<CatalogProblem> problems;

  /**
   * Creates the exception; Leasehold's catalog reader builds it, users only catch it.
   *
   * @param problems the problems, at least one, in the order found
   */
  public CatalogInvalidException(List<CatalogProblem> problems) {
    super(problems.stream().map(CatalogProblem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order. */
  public List<CatalogProblem> problems() {
    return problems;
  }
}
