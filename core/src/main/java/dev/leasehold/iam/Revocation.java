package dev.leasehold.iam;

import dev.leasehold.policy.PolicyDocument;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link SessionRevoker#revoke} did: the inline policy it put on the role, and the cutoff before
 * which every session of the role is now denied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param roleArn the role's ARN
 * @param roleName the role's name
 * @param policyName the inline policy name, always {@value SessionRevoker#POLICY_NAME}
 * @param cutoff sessions issued before this instant are denied every action
 * @param policy the document put on the role
 */
public record Revocation(String roleArn, String roleName, String policyName, Instant cutoff, PolicyDocument policy) {
  /** Validates the fields. */
  public Revocation {
    Objects.requireNonNull(roleArn, "roleArn == null");
    Objects.requireNonNull(roleName, "roleName == null");
    Objects.requireNonNull(policyName, "policyName == null");
    Objects.requireNonNull(cutoff, "cutoff == null");
    Objects.requireNonNull(policy, "policy == null");
  }
}
