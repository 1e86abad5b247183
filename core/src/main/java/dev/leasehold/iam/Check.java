package dev.leasehold.iam;

import java.util.Objects;

/**
 * The result of one item of the pre-deploy checklist.
 *
 * <p>Immutable and thread-safe. The detail says why a check passed or what to fix when it failed; it may
 * span several lines (a permission diff), and never holds a secret.
 *
 * @param name a stable, human-readable name, such as {@code role s3-deploy trust policy}
 * @param passed whether the account (or machine) meets the rule
 * @param detail what was found and, on failure, what to do
 */
public record Check(String name, boolean passed, String detail) {

  /** Validates the fields. */
  public Check {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(detail, "detail == null");
  }

  /** A passed check. */
  public static Check pass(String name, String detail) {
    return new Check(name, true, detail);
  }

  /** A failed check. */
  public static Check fail(String name, String detail) {
    return new Check(name, false, detail);
  }

  /** {@code PASS name: detail} or {@code FAIL name: detail}. */
  @Override
  public String toString() {
    return (passed ? "PASS" : "FAIL") + " " + name + ": " + detail;
  }
}
