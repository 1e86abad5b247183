package dev.leasehold.iam.internal;

import dev.leasehold.policy.PolicyDocument;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Policy documents as IAM returns them: URL-encoded (RFC 3986) JSON in GetRole, Get*Policy and GetPolicyVersion. */
public final class IamDocuments {
  private IamDocuments() {}

  /**
   * Decodes and parses a policy document from an IAM response. Text that already starts with {@code {} is
   * taken as plain JSON (some proxies and stand-ins decode it), anything else is URL-decoded first.
   *
   * @throws dev.leasehold.policy.PolicyParseException when the text is not a policy document
   */
  public static PolicyDocument parse(String wire) {
    String text = wire == null ? "" : wire.strip();
    if (!text.startsWith("{")) {
      text = URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
    return PolicyDocument.parse(text);
  }
}
