package dev.leasehold.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.signer.AwsSignerExecutionAttribute;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Maps an SDK call to the IAM actions it needs, through AWS's service authorization data and the reviewed
 * exceptions table ({@link OperationActions}): {@code prefix:Operation} when AWS has that action, otherwise
 * the table's entry (S3's {@code ListObjectsV2} needs {@code s3:ListBucket}, Lambda's {@code Invoke} needs
 * {@code lambda:InvokeFunction}, KMS's {@code ReEncrypt} needs {@code kms:ReEncryptFrom} and
 * {@code kms:ReEncryptTo}). Users' own entries ({@code AwsSessionFactory.Builder.actionMapping}) win. An
 * operation that maps to nothing is not guessed: {@link #actionFor} returns null and the guard refuses the
 * call with {@link #unmappedMessage}. Results are memoised: the mapping runs once per (service, operation),
 * so the guard's hot path is one hash lookup.
 */
public final class ActionMapper {
  private final Map<String, String> custom;
  private final Map<String, List<String>> memo = new ConcurrentHashMap<>();

  /**
   * @param custom extra mappings from {@code prefix:Operation} (any case) to the IAM action; they win
   *     over the data and the built-in table
   */
  public ActionMapper(Map<String, String> custom) {
    Map<String, String> all = new HashMap<>();
    custom.forEach((k, v) -> all.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v)));
    this.custom = Map.copyOf(all);
  }

  /** The main IAM action of this call, or null when the call maps to no action. */
  public String actionFor(SdkRequest request, ExecutionAttributes attributes) {
    List<String> all = actionsFor(request, attributes);
    return all.isEmpty() ? null : all.get(0);
  }

  /** Every IAM action this call needs, the main one first; empty when the call maps to no action. */
  @SuppressWarnings("deprecation") // the signing name is the IAM prefix for nearly every service
  public List<String> actionsFor(SdkRequest request, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(AwsSignerExecutionAttribute.SERVICE_SIGNING_NAME);
    String operation = operationOf(request, attributes);
    String serviceName = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    if (operation == null || (service == null && serviceName == null)) {
      return List.of();
    }
    String key = (service == null ? "" : service) + "|" + serviceName + "|" + operation;
    return memo.computeIfAbsent(key, k -> map(OperationActions.prefix(service, serviceName), operation));
  }

  /** The call as {@code prefix:Operation} (for messages), or the request's class name when unknown. */
  @SuppressWarnings("deprecation")
  public static String operationName(SdkRequest request, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(AwsSignerExecutionAttribute.SERVICE_SIGNING_NAME);
    String serviceName = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = operationOf(request, attributes);
    if (operation == null || (service == null && serviceName == null)) {
      return request.getClass().getSimpleName();
    }
    return OperationActions.prefix(service, serviceName) + ":" + operation;
  }

  /** Why a call that maps to no action is refused, naming the closest actions and how to add a mapping. */
  public static String unmappedMessage(SdkRequest request, ExecutionAttributes attributes) {
    return OperationActions.unmappedMessage(operationName(request, attributes));
  }

  /** The actions of {@code prefix:operation}: the user's mapping, else the data and the exceptions table. */
  List<String> map(String prefix, String operation) {
    String own = custom.get((prefix + ":" + operation).toLowerCase(Locale.ROOT));
    return own != null ? List.of(own) : OperationActions.actionsFor(prefix, operation);
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

}
