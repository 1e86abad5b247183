package dev.leasehold.mcp.internal;

import dev.leasehold.InvalidRequestException;
import dev.leasehold.internal.OperationActions;
import dev.leasehold.policy.IamActions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM actions (and, for S3, the resource ARNs) an AWS CLI command needs. Service commands ({@code s3api},
 * {@code ec2}, {@code logs}, ...) name an SDK operation in kebab case ({@code put-object} is {@code PutObject}),
 * mapped through the same AWS service authorization data and exceptions table as the guarded SDK clients
 * ({@link OperationActions}: {@code list-objects-v2} needs {@code s3:ListBucket}). The high-level {@code aws s3}
 * commands are mapped here: {@code ls}, {@code cp}, {@code mv}, {@code rm}, {@code sync}, {@code mb}, {@code rb}.
 * A command that maps to no action is refused, never guessed.
 */
public final class CommandActions {
  /** One action the command needs, on a resource ARN when the command names one plainly (else null). */
  public record Need(String action, String resource) {}

  /** AWS CLI service names whose IAM prefix differs. */
  private static final Map<String, String> PREFIXES = Map.ofEntries(
      Map.entry("s3api", "s3"), Map.entry("s3control", "s3"), Map.entry("elbv2", "elasticloadbalancing"),
      Map.entry("elb", "elasticloadbalancing"), Map.entry("stepfunctions", "states"),
      Map.entry("configservice", "config"), Map.entry("dynamodbstreams", "dynamodb"), Map.entry("opensearch", "es"),
      Map.entry("sesv2", "ses"), Map.entry("apigatewayv2", "apigateway"), Map.entry("deploy", "codedeploy"),
      Map.entry("emr", "elasticmapreduce"), Map.entry("iot-data", "iot"), Map.entry("lex-runtime", "lex"),
      Map.entry("sagemaker-runtime", "sagemaker"), Map.entry("resourcegroupstaggingapi", "tag"),
      Map.entry("kinesisanalyticsv2", "kinesisanalytics"), Map.entry("mediastore-data", "mediastore"),
      Map.entry("lexv2-runtime", "lex"), Map.entry("lexv2-models", "lex"), Map.entry("cloudwatch", "cloudwatch"),
      Map.entry("timestream-query", "timestream"), Map.entry("timestream-write", "timestream"));

  private CommandActions() {}

  /**
   * What {@code command} needs.
   *
   * @param partition the ARN partition of the lease's role, such as {@code aws}
   * @throws InvalidRequestException when the command maps to no action
   */
  public static List<Need> of(AwsCommand command, String partition) {
    if (command.service().equals("s3")) {
      return s3(command, partition);
    }
    String prefix = PREFIXES.getOrDefault(command.service(), OperationActions.prefix(null, command.service()));
    if (!IamActions.isService(prefix)) {
      throw new InvalidRequestException("'aws " + command.service() + "' names no AWS service Leasehold knows (IAM "
          + "prefix '" + prefix + "'); check the service name with the AWS CLI reference.");
    }
    String operation = command.operation().replace("-", "");
    List<String> actions = OperationActions.actionsFor(prefix, operation);
    if (actions.isEmpty()) {
      String name = prefix + ":" + pascal(command.operation());
      List<String> close = IamActions.suggestions(name);
      throw new InvalidRequestException("'aws " + command.service() + " " + command.operation() + "' is refused: "
          + name + " maps to no IAM action in AWS's service authorization data (IAM data "
          + IamActions.sourceVersion() + "), and Leasehold does not guess"
          + (close.isEmpty() ? "" : "; the closest actions are " + String.join(", ", close)) + ".");
    }
    List<Need> needs = new ArrayList<>();
    String target = prefix.equals("s3") ? s3Arn(partition, command.option("--bucket"), command.option("--key"))
        : null;
    Optional<String> copySource = command.option("--copy-source");
    for (String action : actions) {
      if (action.equalsIgnoreCase("s3:GetObject") && copySource.isPresent()) {
        needs.add(new Need(action, copySourceArn(partition, copySource.get())));
      } else {
        needs.add(new Need(action, target));
      }
    }
    return needs;
  }

  private static List<Need> s3(AwsCommand c, String partition) {
    List<String> paths = c.positionals();
    boolean recursive = c.flag("--recursive");
    List<Need> needs = new ArrayList<>();
    switch (c.operation()) {
      case "ls" -> {
        if (paths.isEmpty()) {
          needs.add(new Need("s3:ListAllMyBuckets", null));
        } else {
          needs.add(new Need("s3:ListBucket", bucketArn(partition, s3Path(paths.get(0), c))));
        }
      }
      case "cp", "mv" -> {
        requirePaths(c, paths, 2);
        String from = paths.get(0);
        String to = paths.get(1);
        if (!isS3(from) && !isS3(to)) {
          throw new InvalidRequestException("'aws s3 " + c.operation() + "' needs an s3:// source or target.");
        }
        if (isS3(from)) {
          if (recursive) {
            needs.add(new Need("s3:ListBucket", bucketArn(partition, s3Path(from, c))));
          }
          needs.add(new Need("s3:GetObject", objectArn(partition, s3Path(from, c), recursive)));
          if (c.operation().equals("mv")) {
            needs.add(new Need("s3:DeleteObject", objectArn(partition, s3Path(from, c), recursive)));
          }
        }
        if (isS3(to)) {
          needs.add(new Need("s3:PutObject", objectArn(partition, s3Path(to, c), true)));
        }
      }
      case "rm" -> {
        requirePaths(c, paths, 1);
        if (recursive) {
          needs.add(new Need("s3:ListBucket", bucketArn(partition, s3Path(paths.get(0), c))));
        }
        needs.add(new Need("s3:DeleteObject", objectArn(partition, s3Path(paths.get(0), c), recursive)));
      }
      case "sync" -> {
        requirePaths(c, paths, 2);
        String from = paths.get(0);
        String to = paths.get(1);
        if (isS3(from)) {
          needs.add(new Need("s3:ListBucket", bucketArn(partition, s3Path(from, c))));
          needs.add(new Need("s3:GetObject", objectArn(partition, s3Path(from, c), true)));
        }
        if (isS3(to)) {
          needs.add(new Need("s3:ListBucket", bucketArn(partition, s3Path(to, c))));
          needs.add(new Need("s3:PutObject", objectArn(partition, s3Path(to, c), true)));
          if (c.flag("--delete")) {
            needs.add(new Need("s3:DeleteObject", objectArn(partition, s3Path(to, c), true)));
          }
        }
        if (needs.isEmpty()) {
          throw new InvalidRequestException("'aws s3 sync' needs an s3:// source or target.");
        }
      }
      case "mb" -> {
        requirePaths(c, paths, 1);
        needs.add(new Need("s3:CreateBucket", bucketArn(partition, s3Path(paths.get(0), c))));
      }
      case "rb" -> {
        requirePaths(c, paths, 1);
        String[] p = s3Path(paths.get(0), c);
        if (c.flag("--force")) {
          needs.add(new Need("s3:ListBucket", bucketArn(partition, p)));
          needs.add(new Need("s3:DeleteObject", objectArn(partition, p, true)));
        }
        needs.add(new Need("s3:DeleteBucket", bucketArn(partition, p)));
      }
      default -> throw new InvalidRequestException("'aws s3 " + c.operation() + "' is not mapped to IAM actions; use "
          + "ls, cp, mv, rm, sync, mb or rb, or the matching 'aws s3api' operation.");
    }
    return needs;
  }

  private static void requirePaths(AwsCommand c, List<String> paths, int count) {
    if (paths.size() < count) {
      throw new InvalidRequestException("'aws s3 " + c.operation() + "' needs " + count + " path"
          + (count == 1 ? "" : "s") + " before its options, such as s3://bucket/key.");
    }
  }

  private static boolean isS3(String path) {
    return path.regionMatches(true, 0, "s3://", 0, 5);
  }

  /** {bucket, key or ""} of an s3:// URL. */
  private static String[] s3Path(String url, AwsCommand c) {
    if (!isS3(url)) {
      throw new InvalidRequestException("'aws s3 " + c.operation() + "' needs s3://bucket[/key] here, was '"
          + (url.length() > 80 ? url.substring(0, 80) + "..." : url) + "'.");
    }
    String rest = url.substring(5);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (bucket.isEmpty()) {
      throw new InvalidRequestException("'" + url + "' names no bucket.");
    }
    return new String[] {bucket, slash < 0 ? "" : rest.substring(slash + 1)};
  }

  private static String bucketArn(String partition, String[] path) {
    return "arn:" + partition + ":s3:::" + path[0];
  }

  /** The object ARN; a prefix (recursive, or a key ending in /) covers everything under it. */
  private static String objectArn(String partition, String[] path, boolean prefix) {
    String key = path[1];
    if (prefix && (key.isEmpty() || key.endsWith("/"))) {
      key = key + "*";
    }
    return "arn:" + partition + ":s3:::" + path[0] + "/" + key;
  }

  private static String s3Arn(String partition, Optional<String> bucket, Optional<String> key) {
    if (bucket.isEmpty()) {
      return null;
    }
    return "arn:" + partition + ":s3:::" + bucket.get() + key.map(k -> "/" + k).orElse("");
  }

  private static String copySourceArn(String partition, String source) {
    String s = source.startsWith("/") ? source.substring(1) : source;
    int q = s.indexOf('?');
    if (q >= 0) {
      s = s.substring(0, q);
    }
    return "arn:" + partition + ":s3:::" + s;
  }

  private static String pascal(String kebab) {
    StringBuilder b = new StringBuilder();
    for (String part : kebab.split("-")) {
      if (!part.isEmpty()) {
        b.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return b.toString();
  }
}
