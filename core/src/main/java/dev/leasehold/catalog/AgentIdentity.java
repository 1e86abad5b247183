package dev.leasehold.catalog;

import java.util.Objects;

/**
 * The agent's base identity: the IAM user whose only permission is {@code sts:AssumeRole} on the
 * catalog's roles, and its MFA device.
 *
 * @param name the agent's name; sent as the STS {@code SourceIdentity} so CloudTrail shows who acted
 * @param mfaSerial the ARN of the MFA device whose codes approvers type, or null when no role needs MFA
 * @param userArn the agent user's ARN, or null when not yet known (trust policies need it to render)
 */
public record AgentIdentity(String name, String mfaSerial, String userArn) {
  /** Validates the name. */
  public AgentIdentity {
    Objects.requireNonNull(name, "agent name == null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("agent name must not be blank");
    }
  }
}
