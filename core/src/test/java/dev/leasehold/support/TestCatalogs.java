package dev.leasehold.support;

import dev.leasehold.catalog.AgentIdentity;
import dev.leasehold.catalog.BrokerIdentity;
import dev.leasehold.catalog.TrustPrincipal;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.Statement;

/** Catalogs built in code, mirroring the reference catalog. */
public final class TestCatalogs {
  public static final String MFA_SERIAL = "arn:aws:iam::123456789012:mfa/hermes-dev-agent";
  public static final String S3_DEPLOY_ARN = "arn:aws:iam::123456789012:role/hermes-dev-s3-deploy";

  private TestCatalogs() {}

  public static RoleCatalog reference() {
    return RoleCatalog.builder(new AgentIdentity("hermes", MFA_SERIAL, "arn:aws:iam::123456789012:user/agents/hermes-dev-agent"))
        .defaultRegion("us-east-1")
        .broker(new BrokerIdentity("arn:aws:iam::123456789012:role/leasehold-broker"))
        .role(RoleSpec.builder("ec2-read", "arn:aws:iam::123456789012:role/hermes-dev-ec2-read")
            .description("Describe-only access to EC2.")
            .permission(Statement.allow("ec2:Describe*", "ec2:Get*", "ec2:List*").resources("*").build()).build())
        .role(RoleSpec.builder("s3-deploy", S3_DEPLOY_ARN)
            .description("Read and write, never delete, on the single deploy bucket.")
            .permission(Statement.allow("s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation")
                .resources("arn:aws:s3:::hermes-dev-deploy", "arn:aws:s3:::hermes-dev-deploy/*").build()).build())
        .role(RoleSpec.builder("prod-s3-read", "arn:aws:iam::123456789012:role/hermes-prod-s3-read")
            .environment("prod")
            .permission(Statement.allow("s3:GetObject").resources("arn:aws:s3:::hermes-prod/*").build()).build())
        .role(RoleSpec.builder("platform-read", "arn:aws:iam::123456789012:role/hermes-platform-read")
            .mfa(MfaRequirement.NONE).trustPrincipal(TrustPrincipal.BROKER).externalId("hermes-ext-7731")
            .permission(Statement.allow("cloudwatch:GetMetricData").resources("*").build()).build())
        .build();
  }
}
