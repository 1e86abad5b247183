package dev.leasehold.policy;

/**
 * The answer of a local policy evaluation, in IAM's order: an explicit deny wins over everything, then an
 * allow, else the request is implicitly denied.
 *
 * <p>{@link #UNKNOWN} means the evaluator met something it cannot decide (an unsupported condition
 * operator, a policy variable) in a statement that could change the answer. Callers must treat it as a
 * denial; only {@link #ALLOW} grants.
 */
public enum EvaluationResult {
  /** An allow statement matched and no deny statement did. */
  ALLOW,
  /** A deny statement matched; nothing can override it. */
  EXPLICIT_DENY,
  /** No statement matched: IAM's default deny. */
  IMPLICIT_DENY,
  /** The evaluator cannot decide; treat as a denial. */
  UNKNOWN;

  /** Whether this answer grants the request: only {@link #ALLOW} does. */
  public boolean isAllowed() {
    return this == ALLOW;
  }
}
