package dev.leasehold.catalog;

/**
 * Whose identity a role's trust policy names as the one principal that may assume it.
 *
 * <p>The rule: a role with {@link MfaRequirement#NONE} must trust {@link #BROKER}. The agent's own base
 * identity is reachable by the agent in embedded mode (its keys are in the agent's process and files), and a
 * trust policy without MFA asks only for what the catalog already tells the agent (its ExternalId), so such a
 * role could be assumed with no human at all. Catalog loading, {@code leasehold lint} and
 * {@code leasehold verify} refuse {@code mfa: none} with {@link #AGENT}.
 */
public enum TrustPrincipal {
  /** The agent user ({@code agent.userArn}); the default. Its roles must require MFA. */
  AGENT,
  /** The broker's own identity ({@code broker.arn}), which the agent cannot reach; needs a catalog {@code broker}. */
  BROKER
}
