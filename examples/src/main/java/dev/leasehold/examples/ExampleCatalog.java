package dev.leasehold.examples;

import dev.leasehold.catalog.AgentIdentity;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.Statement;

/**
 * The role catalog every example uses, built in code: an agent named {@code hermes} that may ask for two
 * narrow roles, {@code s3-deploy} (read and write, never delete, on one bucket) and {@code ec2-read}
 * (describe-only EC2).
 *
 * <p>Copy the shape, not the ARNs: in your agent the catalog usually lives in a reviewed {@code leasehold.yaml}
 * next to the Terraform that creates the roles. Keep each role as small as its purpose, and mirror its
 * IAM permission policy here exactly, because Leasehold refuses any intent or call the catalog does not allow.
 */
public final class ExampleCatalog {
  /** The bucket the {@code s3-deploy} role may use. */
  public static final String DEPLOY_BUCKET = "hermes-dev-deploy";
  /** The agent user's MFA device: approvers type its codes. */
  public static final String MFA_SERIAL = "arn:aws:iam::123456789012:mfa/hermes-dev-agent";
  /** The region the agent works in. */
  public static final String REGION = "us-east-1";

  private ExampleCatalog() {}

  /** The {@code hermes} catalog. */
  public static RoleCatalog hermes() {
    return RoleCatalog.builder(new AgentIdentity("hermes", MFA_SERIAL,
            "arn:aws:iam::123456789012:user/agents/hermes-dev-agent"))
        .defaultRegion(REGION)
        .role(RoleSpec.builder("s3-deploy", "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
            .description("Read and write, never delete, on the single deploy bucket.")
            .permission(Statement.allow("s3:ListBucket", "s3:GetObject", "s3:PutObject")
                .resources("arn:aws:s3:::" + DEPLOY_BUCKET, "arn:aws:s3:::" + DEPLOY_BUCKET + "/*").build())
            .build())
        .role(RoleSpec.builder("ec2-read", "arn:aws:iam::123456789012:role/hermes-dev-ec2-read")
            .description("Describe-only access to EC2.")
            .permission(Statement.allow("ec2:Describe*").resources("*").build())
            .build())
        .build();
  }
}
