package dev.leasehold.catalog.internal;

import dev.leasehold.catalog.BrokerIdentity;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.catalog.TrustPrincipal;

/**
 * The one rule for whom a role may trust (see {@link TrustPrincipal}); the catalog reader and
 * {@link dev.leasehold.catalog.RoleCatalog}'s constructor both ask it. Not part of Leasehold's API.
 */
public final class TrustRule {
  private TrustRule() {}

  /** The problem with {@code role}'s MFA setting and trust principal, or null. */
  public static String mfaProblem(String key, MfaRequirement mfa, TrustPrincipal principal) {
    if (mfa == MfaRequirement.NONE && principal != TrustPrincipal.BROKER) {
      return "role '" + key + "' has mfa: none but its trust policy names the agent's own identity: in embedded "
          + "mode the agent (or whatever hijacks it) holds that identity and the catalog's ExternalId, so it can "
          + "assume the role without any human. Set mfa: required, or set trustPrincipal: broker and the "
          + "catalog's broker: {arn: ...} so that only the broker's identity can assume it";
    }
    return null;
  }

  /** The problem with a broker trust principal in a catalog with or without a broker, or null. */
  public static String brokerProblem(String key, TrustPrincipal principal, BrokerIdentity broker) {
    if (principal == TrustPrincipal.BROKER && broker == null) {
      return "role '" + key + "' has trustPrincipal: broker but the catalog has no broker identity; add "
          + "broker: {arn: arn:aws:iam::ACCOUNT:role/NAME} at the top level";
    }
    return null;
  }

  /** The first problem of {@code role} in a catalog with {@code broker}, or null. */
  public static String problem(RoleSpec role, BrokerIdentity broker) {
    String mfa = mfaProblem(role.key(), role.mfa(), role.trustPrincipal());
    return mfa != null ? mfa : brokerProblem(role.key(), role.trustPrincipal(), broker);
  }
}
