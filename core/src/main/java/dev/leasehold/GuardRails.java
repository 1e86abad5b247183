package dev.leasehold;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that protect the human from an agent that loops or was hijacked (MFA fatigue): at most
 * {@code approvalsPerRole} approval prompts per role in each {@code approvalWindow}, and after a denial
 * any request of the same agent for the same role and intent (actions and resources) is refused without
 * asking again for {@code denialCooldown}, however its reason is worded.
 *
 * @param approvalsPerRole prompts allowed per role in each window, at least 1
 * @param approvalWindow the window, positive
 * @param denialCooldown how long a denied (role, intent) stays refused, zero or more
 */
public record GuardRails(int approvalsPerRole, Duration approvalWindow, Duration denialCooldown) {
  /** Three prompts per role per 10 minutes; a denied task is refused for 10 minutes. */
  public static final GuardRails DEFAULTS = new GuardRails(3, Duration.ofMinutes(10), Duration.ofMinutes(10));

  /** Validates the limits. */
  public GuardRails {
    Objects.requireNonNull(approvalWindow, "approvalWindow == null");
    Objects.requireNonNull(denialCooldown, "denialCooldown == null");
    if (approvalsPerRole < 1) {
      throw new IllegalArgumentException("approvalsPerRole must be at least 1, was " + approvalsPerRole);
    }
    if (approvalWindow.isZero() || approvalWindow.isNegative()) {
      throw new IllegalArgumentException("approvalWindow must be positive, was " + approvalWindow);
    }
    if (denialCooldown.isNegative()) {
      throw new IllegalArgumentException("denialCooldown must not be negative, was " + denialCooldown);
    }
  }
}
