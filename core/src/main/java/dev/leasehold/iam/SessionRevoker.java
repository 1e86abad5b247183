package dev.leasehold.iam;

import dev.leasehold.catalog.internal.Arns;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Ends every live session of a role. STS credentials cannot be recalled, so this does what the IAM
 * console's "Revoke active sessions" does: it puts an inline policy named {@value #POLICY_NAME} on the
 * role that denies every action to sessions whose {@code aws:TokenIssueTime} is earlier than now. Sessions
 * issued later (a new, approved lease) are not affected; running it again moves the cutoff.
 *
 * <p>The caller needs {@code iam:PutRolePolicy} on the role. It does not work on service-linked roles
 * (path {@code /aws-service-role/}), which refuse inline policies; those are refused here before any call.
 *
 * <pre>{@code
 * try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).build()) {
 *   Revocation done = SessionRevoker.builder().iamClient(iam).build().revoke(role.arn());
 * }
 * }</pre>
 *
 * <p>Thread-safe if its client is; it never closes the client.
 */
public final class SessionRevoker {
  /** The inline policy name the IAM console uses for the same purpose. */
  public static final String POLICY_NAME = "AWSRevokeOlderSessions";

  private final IamClient iam;
  private final Clock clock;

  private SessionRevoker(Builder b) {
    this.iam = b.iam;
    this.clock = b.clock;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The revocation policy for {@code cutoff}: deny {@code *} on {@code *} when
   * {@code DateLessThan aws:TokenIssueTime cutoff}.
   */
  public static PolicyDocument policy(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff == null");
    return PolicyDocument.of(Statement.deny("*").resources("*")
        .condition("DateLessThan", "aws:TokenIssueTime", cutoff.toString()).build());
  }

  /**
   * Puts the revocation policy on the role, with the clock's current instant (to the millisecond) as the
   * cutoff.
   *
   * @param roleArn the role's ARN
   * @return what was done
   * @throws IllegalArgumentException for a service-linked role, or a string that is not an IAM role ARN
   * @throws software.amazon.awssdk.services.iam.model.IamException when IAM refuses (no such role, no
   *     {@code iam:PutRolePolicy})
   */
  public Revocation revoke(String roleArn) {
    Objects.requireNonNull(roleArn, "roleArn == null");
    if (!roleArn.matches("arn:[\\w-]+:iam::\\d{12}:role/.+")) {
      throw new IllegalArgumentException("Not an IAM role ARN: " + roleArn);
    }
    if (roleArn.contains(":role/aws-service-role/")) {
      throw new IllegalArgumentException("Role " + roleArn + " is a service-linked role; IAM does not allow "
          + "inline policies on it, so its sessions cannot be revoked this way.");
    }
    Instant cutoff = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    PolicyDocument document = policy(cutoff);
    String roleName = Arns.name(roleArn);
    iam.putRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME).policyDocument(document.toCompactJson()));
    return new Revocation(roleArn, roleName, POLICY_NAME, cutoff, document);
  }

  /** Configures a {@link SessionRevoker}. The client is required. Not thread-safe. */
  public static final class Builder {
    private IamClient iam;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The IAM client, allowed {@code iam:PutRolePolicy}; the revoker does not close it. */
    public Builder iamClient(IamClient iam) {
      this.iam = Objects.requireNonNull(iam, "iam == null");
      return this;
    }

    /** The clock that sets the cutoff; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds the revoker.
     *
     * @throws IllegalStateException when the client is missing
     */
    public SessionRevoker build() {
      if (iam == null) {
        throw new IllegalStateException("iamClient is required: an IamClient allowed iam:PutRolePolicy");
      }
      return new SessionRevoker(this);
    }
  }
}
