package dev.leasehold.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.InvalidRequestException;
import dev.leasehold.mcp.internal.CommandActions.Need;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandActionsTest {
  static List<Need> needs(String line) {
    return CommandActions.of(AwsCommand.parse(line, null), "aws");
  }

  @Test
  void s3apiOperationsAreTheSdkOperationsInKebabCaseWithTheirObjectArn() {
    assertThat(needs("aws s3api put-object --bucket b --key releases/1.zip"))
        .containsExactly(new Need("s3:PutObject", "arn:aws:s3:::b/releases/1.zip"));
    assertThat(needs("aws s3api delete-object --bucket b --key k"))
        .containsExactly(new Need("s3:DeleteObject", "arn:aws:s3:::b/k"));
  }

  @Test
  void operationsNamedDifferentlyInIamUseTheExceptionsTable() {
    assertThat(needs("aws s3api list-objects-v2 --bucket b")).containsExactly(new Need("s3:ListBucket", "arn:aws:s3:::b"));
    assertThat(needs("aws s3api head-object --bucket b --key k")).containsExactly(new Need("s3:GetObject", "arn:aws:s3:::b/k"));
    assertThat(needs("aws lambda invoke --function-name f out.json")).extracting(Need::action)
        .containsExactly("lambda:InvokeFunction");
  }

  @Test
  void copyObjectNeedsGetObjectOnTheSourceAndPutObjectOnTheTarget() {
    assertThat(needs("aws s3api copy-object --bucket dst --key k2 --copy-source src/k1?versionId=3"))
        .containsExactlyInAnyOrder(new Need("s3:PutObject", "arn:aws:s3:::dst/k2"), new Need("s3:GetObject",
            "arn:aws:s3:::src/k1"));
  }

  @Test
  void otherServicesMapThroughTheirIamPrefix() {
    assertThat(needs("aws sts get-caller-identity")).containsExactly(new Need("sts:GetCallerIdentity", null));
    assertThat(needs("aws ec2 describe-instances --max-items 5")).containsExactly(new Need("ec2:DescribeInstances", null));
    assertThat(needs("aws logs filter-log-events --log-group-name g")).extracting(Need::action)
        .containsExactly("logs:FilterLogEvents");
    assertThat(needs("aws stepfunctions list-state-machines")).extracting(Need::action)
        .containsExactly("states:ListStateMachines");
  }

  @Test
  void highLevelS3CommandsMapToTheActionsTheyUse() {
    assertThat(needs("aws s3 ls")).containsExactly(new Need("s3:ListAllMyBuckets", null));
    assertThat(needs("aws s3 ls s3://b/p/")).containsExactly(new Need("s3:ListBucket", "arn:aws:s3:::b"));
    assertThat(needs("aws s3 cp build.zip s3://b/releases/")).containsExactly(
        new Need("s3:PutObject", "arn:aws:s3:::b/releases/*"));
    assertThat(needs("aws s3 cp s3://b/k local.txt")).containsExactly(new Need("s3:GetObject", "arn:aws:s3:::b/k"));
    assertThat(needs("aws s3 cp s3://a/x/ s3://b/y/ --recursive")).containsExactly(
        new Need("s3:ListBucket", "arn:aws:s3:::a"), new Need("s3:GetObject", "arn:aws:s3:::a/x/*"),
        new Need("s3:PutObject", "arn:aws:s3:::b/y/*"));
    assertThat(needs("aws s3 mv s3://a/k s3://b/k")).extracting(Need::action)
        .containsExactly("s3:GetObject", "s3:DeleteObject", "s3:PutObject");
    assertThat(needs("aws s3 rm s3://b/p/ --recursive")).containsExactly(new Need("s3:ListBucket", "arn:aws:s3:::b"),
        new Need("s3:DeleteObject", "arn:aws:s3:::b/p/*"));
    assertThat(needs("aws s3 sync dist s3://b/site/ --delete")).extracting(Need::action)
        .containsExactly("s3:ListBucket", "s3:PutObject", "s3:DeleteObject");
    assertThat(needs("aws s3 mb s3://new")).containsExactly(new Need("s3:CreateBucket", "arn:aws:s3:::new"));
    assertThat(needs("aws s3 rb s3://old --force")).extracting(Need::action)
        .containsExactly("s3:ListBucket", "s3:DeleteObject", "s3:DeleteBucket");
  }

  @Test
  void unknownOperationsServicesAndS3CommandsAreRefusedNotGuessed() {
    assertThatThrownBy(() -> needs("aws s3api put-objekt --bucket b")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("s3:PutObjekt maps to no IAM action").hasMessageContaining("does not guess")
        .hasMessageContaining("s3:PutObject");
    assertThatThrownBy(() -> needs("aws nosuchservice do-thing")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("names no AWS service");
    assertThatThrownBy(() -> needs("aws s3 website s3://b")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("is not mapped to IAM actions");
    assertThatThrownBy(() -> needs("aws s3 cp a b")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs an s3:// source or target");
  }

  @Test
  void thePartitionComesFromTheLeasesRole() {
    assertThat(CommandActions.of(AwsCommand.parse("s3api get-object --bucket b --key k out", null), "aws-cn"))
        .containsExactly(new Need("s3:GetObject", "arn:aws-cn:s3:::b/k"));
  }
}
