package dev.leasehold.policy;

/**
 * The kinds of policy Leasehold writes, each with the size limit AWS enforces on it.
 *
 * <p>The rule: a policy that AWS would refuse is refused here first, with a message that says how to make
 * it smaller. Sizes are counted as IAM counts them: characters, excluding whitespace.
 */
public enum PolicyKind {
  /** A role's trust policy: at most 2,048 characters (IAM's default quota). */
  TRUST("trust policy", 2_048, "shorten the trust policy (fewer principals or conditions)"),
  /** A role's inline permission policy: at most 10,240 characters. */
  PERMISSIONS("role inline policy", 10_240, "split the role into narrower, purpose-scoped roles"),
  /** The agent user's inline assume-only policy: at most 2,048 characters. */
  AGENT_USER("user inline policy", 2_048, "give the agent fewer roles, or split the roles across several agents"),
  /** An STS session policy narrowed to an intent: at most 2,048 characters. */
  SESSION("session policy", 2_048, "narrow the intent (fewer actions or resources) or split the task into several leases");

  private final String label;
  private final int limit;
  private final String advice;

  PolicyKind(String label, int limit, String advice) {
    this.label = label;
    this.limit = limit;
    this.advice = advice;
  }

  /** The largest size AWS accepts, in non-whitespace characters. */
  public int limit() {
    return limit;
  }

  /** The size of policy JSON as IAM counts it: characters that are not whitespace. */
  public static int size(String json) {
    int n = 0;
    for (int i = 0; i < json.length(); i++) {
      if (!Character.isWhitespace(json.charAt(i))) {
        n++;
      }
    }
    return n;
  }

  /**
   * The document's compact JSON, after checking its size against this kind's limit.
   *
   * @param subject what the policy belongs to, for the message (such as {@code role s3-deploy})
   * @throws PolicyTooLargeException when the document is larger than {@link #limit()}
   */
  public String checkedJson(PolicyDocument document, String subject) {
    String json = document.toCompactJson();
    int size = size(json);
    if (size > limit) {
      throw new PolicyTooLargeException(this, size, "The " + label + " for " + subject + " is " + size
          + " characters; AWS allows at most " + limit + " (whitespace not counted). To fix it, " + advice + ".");
    }
    return json;
  }
}
