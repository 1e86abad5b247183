package dev.leasehold.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.signer.AwsSignerExecutionAttribute;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Maps an SDK call to the IAM action it needs: {@code <service prefix>:<operation>}, with a table for
 * the known differences (CloudWatch signs as {@code monitoring}; S3's {@code ListObjectsV2} needs
 * {@code s3:ListBucket}, {@code HeadObject} needs {@code s3:GetObject}, ...). Users add their own entries.
 * Results are memoised: the mapping runs once per (service, operation).
 */
public final class ActionMapper {
  /** Service name (as the SDK reports it) to IAM prefix, where they differ from the lower-cased name. */
  private static final Map<String, String> PREFIXES = Map.ofEntries(
      Map.entry("cloudwatch", "cloudwatch"), Map.entry("monitoring", "cloudwatch"),
      Map.entry("cloudwatchlogs", "logs"), Map.entry("logs", "logs"),
      Map.entry("rdsdata", "rds-data"), Map.entry("elasticloadbalancingv2", "elasticloadbalancing"),
      Map.entry("sfn", "states"), Map.entry("dynamodbstreams", "dynamodb"),
      Map.entry("eventbridge", "events"), Map.entry("cloudwatchevents", "events"),
      Map.entry("apigateway", "apigateway"), Map.entry("secretsmanager", "secretsmanager"));

  /** IAM-prefixed operation to the action IAM checks, where they differ. */
  private static final Map<String, String> DEFAULT_ACTIONS = Map.ofEntries(
      Map.entry("s3:listobjectsv2", "s3:ListBucket"), Map.entry("s3:listobjects", "s3:ListBucket"),
      Map.entry("s3:headobject", "s3:GetObject"), Map.entry("s3:headbucket", "s3:ListBucket"),
      Map.entry("s3:getobjectattributes", "s3:GetObject"), Map.entry("s3:listobjectversions", "s3:ListBucketVersions"),
      Map.entry("s3:deleteobjects", "s3:DeleteObject"), Map.entry("s3:copyobject", "s3:PutObject"),
      Map.entry("s3:createmultipartupload", "s3:PutObject"), Map.entry("s3:uploadpart", "s3:PutObject"),
      Map.entry("s3:uploadpartcopy", "s3:PutObject"), Map.entry("s3:completemultipartupload", "s3:PutObject"),
      Map.entry("s3:listbuckets", "s3:ListAllMyBuckets"), Map.entry("s3:listparts", "s3:ListMultipartUploadParts"),
      Map.entry("s3:selectobjectcontent", "s3:GetObject"));

  private final Map<String, String> actions;
  private final Map<String, String> memo = new ConcurrentHashMap<>();

  /**
   * @param custom extra mappings from {@code prefix:Operation} (any case) to the IAM action; they win
   *     over the built-in table
   */
  public ActionMapper(Map<String, String> custom) {
    Map<String, String> all = new HashMap<>(DEFAULT_ACTIONS);
    custom.forEach((k, v) -> all.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v)));
    this.actions = Map.copyOf(all);
  }

  /** The IAM action of this call, or null when the call cannot be mapped. */
  @SuppressWarnings("deprecation") // the signing name is the IAM prefix for nearly every service
  public String actionFor(SdkRequest request, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(AwsSignerExecutionAttribute.SERVICE_SIGNING_NAME);
    String operation = operationOf(request, attributes);
    String serviceName = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    if (operation == null || (service == null && serviceName == null)) {
      return null;
    }
    String key = (service == null ? "" : service) + "|" + serviceName + "|" + operation;
    return memo.computeIfAbsent(key, k -> map(service, serviceName, operation));
  }

  /**
   * The operation of a call, from the request's class ({@code PutObjectRequest} is {@code PutObject}): the
   * class decides what the SDK marshals, while the operation-name attribute is only a label another
   * interceptor could rewrite. Falls back to the attribute for a request class without the suffix.
   */
  static String operationOf(SdkRequest request, ExecutionAttributes attributes) {
    String simple = request.getClass().getSimpleName();
    if (simple.endsWith("Request") && simple.length() > "Request".length()) {
      return simple.substring(0, simple.length() - "Request".length());
    }
    return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }

  private String map(String signingName, String serviceName, String operation) {
    String prefix = prefix(signingName, serviceName);
    String raw = prefix + ":" + operation;
    return actions.getOrDefault(raw.toLowerCase(Locale.ROOT), raw);
  }

  private static String prefix(String signingName, String serviceName) {
    String candidate = (signingName != null ? signingName : serviceName).toLowerCase(Locale.ROOT).replace(" ", "");
    return PREFIXES.getOrDefault(candidate, candidate);
  }
}
