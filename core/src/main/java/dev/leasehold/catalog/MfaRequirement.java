package dev.leasehold.catalog;

/**
 * Whether assuming a role needs an MFA code. Even {@link #NONE} roles need a human approval; they only
 * skip the code (platform identities and ExternalId-gated trust cannot present one).
 */
public enum MfaRequirement {
  /** The trust policy requires {@code aws:MultiFactorAuthPresent}; the approver types a code. The default. */
  REQUIRED,
  /** The trust policy does not check MFA; the approver still approves, without a code. */
  NONE
}
