package dev.leasehold.policy;

/**
 * An IAM action's access level, as AWS's service authorization reference classifies it. An action may
 * have more than one ({@code sqs:AddPermission} is Permissions management and Write).
 *
 * <p>The rule Leasehold applies everywhere (the guard's mutating-call budget, the linter's write rules,
 * the approval prompt, {@code policy render}): an action <em>mutates</em> unless every level it has is
 * {@link #READ} or {@link #LIST}. See {@link IamActions#isMutating(String)}.
 */
public enum AccessLevel {
  /** Reads data or configuration ({@code s3:GetObject}, {@code logs:FilterLogEvents}). */
  READ("Read"),
  /** Lists resources ({@code s3:ListBucket}, {@code ec2:DescribeInstances}). */
  LIST("List"),
  /** Creates, changes or deletes something ({@code s3:PutObject}, {@code kms:GenerateDataKey}). */
  WRITE("Write"),
  /** Changes who may do what ({@code iam:PutRolePolicy}, {@code s3:PutBucketPolicy}). */
  PERMISSIONS_MANAGEMENT("Permissions management"),
  /** Changes tags ({@code ec2:CreateTags}). */
  TAGGING("Tagging");

  private final String label;

  AccessLevel(String label) {
    this.label = label;
  }

  /** AWS's own name for the level, such as {@code "Permissions management"}. */
  public String label() {
    return label;
  }

  /** Whether an action at this level may change something: every level but {@link #READ} and {@link #LIST}. */
  public boolean isMutating() {
    return this != READ && this != LIST;
  }
}
