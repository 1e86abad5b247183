package dev.leasehold.internal;

import software.amazon.awssdk.core.SdkRequest;

/**
 * Derives the resource ARN of a call where the request names it plainly. Today that is S3 (bucket and
 * key); for other services the guard checks the action and STS enforces resources through the session
 * policy.
 */
final class ResourceNames {
  private ResourceNames() {}

  /** The call's resource ARN, or null when Leasehold does not derive it for this service. */
  static String of(String action, SdkRequest request, String partition) {
    if (!action.regionMatches(true, 0, "s3:", 0, 3)) {
      return null;
    }
    String bucket = request.getValueForField("Bucket", String.class).orElse(null);
    if (bucket == null) {
      return null;
    }
    String key = request.getValueForField("Key", String.class).orElse(null);
    return "arn:" + partition + ":s3:::" + bucket + (key == null ? "" : "/" + key);
  }
}
