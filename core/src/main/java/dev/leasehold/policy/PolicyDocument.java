package dev.leasehold.policy;

import dev.leasehold.policy.internal.PolicyJson;
import java.util.List;
import java.util.Objects;

/**
 * An IAM policy document: a version, an optional id and one or more statements.
 *
 * <p>{@link #parse(String)} reads real IAM JSON (single values or arrays, {@code NotAction},
 * {@code NotResource}, {@code NotPrincipal}, conditions with string, boolean or number values) and
 * {@link #toJson()} writes it back without loss, in the member order IAM writes: {@code Version},
 * {@code Id}, {@code Statement}; and per statement {@code Sid}, {@code Effect}, {@code Principal},
 * {@code NotPrincipal}, {@code Action}, {@code NotAction}, {@code Resource}, {@code NotResource},
 * {@code Condition}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version the policy language version; Leasehold writes {@value #VERSION}; null only for a parsed
 *     document that had no {@code Version} (IAM then assumes {@code 2008-10-17})
 * @param id the optional policy id, or null
 * @param statements the statements, at least one
 * @param singleStatement true when a parsed document wrote its only statement as an object rather than an
 *     array; only affects how it is written back
 */
public record PolicyDocument(String version, String id, List<Statement> statements, boolean singleStatement) {

  /** The current IAM policy language version. */
  public static final String VERSION = "2012-10-17";

  /** Validates and copies the statements. */
  public PolicyDocument {
    statements = List.copyOf(Objects.requireNonNull(statements, "statements == null"));
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("a policy document needs at least one statement");
    }
    singleStatement = singleStatement && statements.size() == 1;
  }

  /** A document whose statements are written as an array. */
  public PolicyDocument(String version, String id, List<Statement> statements) {
    this(Objects.requireNonNull(version, "version == null"), id, statements, false);
  }

  /** A document of the current version holding {@code statements}. */
  public static PolicyDocument of(Statement... statements) {
    return new PolicyDocument(VERSION, null, List.of(statements));
  }

  /** A document of the current version holding {@code statements}. */
  public static PolicyDocument of(List<Statement> statements) {
    return new PolicyDocument(VERSION, null, statements);
  }

  /**
   * Parses IAM policy JSON.
   *
   * @throws PolicyParseException when the text is not JSON or not a well-formed policy document; the
   *     message names the place and the problem
   */
  public static PolicyDocument parse(String json) {
    return PolicyJson.parse(json);
  }

  /** This document as indented IAM JSON (two spaces), for people and files. */
  public String toJson() {
    return PolicyJson.write(this, true);
  }

  /** This document as JSON without insignificant whitespace, as sent to IAM and STS. */
  public String toCompactJson() {
    return PolicyJson.write(this, false);
  }
}
