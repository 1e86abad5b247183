package dev.leash.policy;

import java.util.List;
import java.util.Objects;

/**
 * An IAM policy document: a version, an optional id and one or more statements.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version the policy language version; Leash writes {@value #VERSION}
 * @param id the optional policy id, or null
 * @param statements the statements, at least one
 */
public record PolicyDocument(String version, String id, List<Statement> statements) {

  /** The current IAM policy language version. */
  public static final String VERSION = "2012-10-17";

  /** Validates and copies the statements. */
  public PolicyDocument {
    Objects.requireNonNull(version, "version == null");
    statements = List.copyOf(Objects.requireNonNull(statements, "statements == null"));
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("a policy document needs at least one statement");
    }
  }

  /** A document of the current version holding {@code statements}. */
  public static PolicyDocument of(Statement... statements) {
    return new PolicyDocument(VERSION, null, List.of(statements));
  }

  /** A document of the current version holding {@code statements}. */
  public static PolicyDocument of(List<Statement> statements) {
    return new PolicyDocument(VERSION, null, statements);
  }
}
