package dev.leasehold.policy;

import java.util.Objects;

/**
 * One finding of {@link PolicyLinter}: which rule, how serious, for which role, and a message that explains
 * the rule and the fix.
 *
 * <p>Immutable and thread-safe.
 *
 * @param ruleId the stable rule id, such as {@code wildcard-action}
 * @param severity how serious it is
 * @param roleKey the catalog role it concerns, or null for a policy linted on its own or the agent user
 * @param message what is wrong, why the rule exists and how to fix it
 */
public record LintFinding(String ruleId, Severity severity, String roleKey, String message) {

  /** How serious a finding is. */
  public enum Severity {
    /** Breaks a safe-agent rule; do not deploy. */
    ERROR,
    /** Probably wider than the task needs; review it. */
    WARNING,
    /** Worth knowing; often fine. */
    ADVICE
  }

  /** Validates the fields. */
  public LintFinding {
    Objects.requireNonNull(ruleId, "ruleId == null");
    Objects.requireNonNull(severity, "severity == null");
    Objects.requireNonNull(message, "message == null");
  }

  /** {@code SEVERITY rule-id [role]: message}. */
  @Override
  public String toString() {
    return severity + " " + ruleId + (roleKey == null ? "" : " [" + roleKey + "]") + ": " + message;
  }
}
