package dev.leasehold.catalog;

/**
 * Whether assuming a role needs an MFA code.
 *
 * <p>{@link #NONE} is safe only when the role's trust policy names the broker's identity
 * ({@link TrustPrincipal#BROKER}): then only the broker can assume it, and the broker asks a human first. A
 * trust policy without MFA that names the agent's own identity asks only for the ExternalId, which the catalog
 * gives the agent, so in embedded mode the agent could assume such a role with its base keys and no human at
 * all; catalog loading, {@code lint} and {@code verify} refuse that combination.
 */
public enum MfaRequirement {
  /** The trust policy requires {@code aws:MultiFactorAuthPresent}; the approver types a code. The default. */
  REQUIRED,
  /**
   * The trust policy does not check MFA; Leasehold's approver approves without a code. Allowed only with
   * {@link TrustPrincipal#BROKER}.
   */
  NONE
}
