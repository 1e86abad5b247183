package dev.leasehold.catalog;

import java.util.Objects;

/**
 * The broker's own AWS identity (catalog key {@code broker.arn}): the principal that roles with
 * {@code trustPrincipal: broker} trust. It runs in a process the agent cannot reach (another OS user or
 * container), which is what makes a role without MFA acceptable; see {@link TrustPrincipal}.
 *
 * @param arn the broker's IAM role or user ARN
 */
public record BrokerIdentity(String arn) {
  /** Validates the ARN's shape. */
  public BrokerIdentity {
    Objects.requireNonNull(arn, "broker arn == null");
    if (!arn.matches("arn:aws[\\w-]*:iam::\\d{12}:(role|user)/.+")) {
      throw new IllegalArgumentException("broker arn must be an IAM role or user ARN, was '" + arn + "'");
    }
  }
}
