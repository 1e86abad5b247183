package dev.leasehold.policy;

/** A statement's effect. An explicit {@link #DENY} always wins over any {@link #ALLOW}. */
public enum Effect {
  /** The statement grants what it matches. */
  ALLOW("Allow"),
  /** The statement refuses what it matches, whatever else allows it. */
  DENY("Deny");

  private final String json;

  Effect(String json) {
    this.json = json;
  }

  /** The spelling IAM uses in JSON: {@code Allow} or {@code Deny}. */
  public String json() {
    return json;
  }

  /**
   * Parses IAM's spelling (case-sensitive, as IAM is).
   *
   * @throws IllegalArgumentException for anything but {@code Allow} or {@code Deny}
   */
  public static Effect fromJson(String value) {
    for (Effect e : values()) {
      if (e.json.equals(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException("Effect must be \"Allow\" or \"Deny\", was \"" + value + "\"");
  }
}
