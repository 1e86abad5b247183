package dev.leasehold.internal;

/** Makes values fit STS's character rules for session names, source identities and tag values. */
final class StsNames {
  private StsNames() {}

  /** {@code leasehold-<request id>}: 2-64 characters of {@code [\w+=,.@-]}. */
  static String sessionName(String requestId) {
    return clean("leasehold-" + requestId, "[^\\w+=,.@-]", 64);
  }

  /** The agent name as a SourceIdentity: 2-64 characters of {@code [\w+=,.@-]}, not starting with {@code aws:}. */
  static String sourceIdentity(String agent) {
    String s = clean(agent, "[^\\w+=,.@-]", 64);
    if (s.length() < 2) {
      s = (s + "--").substring(0, 2);
    }
    return s.regionMatches(true, 0, "aws:", 0, 4) ? "agent-" + s : s;
  }

  /** A session tag value: up to 256 characters of {@code [\p{L}\p{Z}\p{N}_.:/=+\-@]}. */
  static String tagValue(String value) {
    return clean(value, "[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]", 256);
  }

  private static String clean(String value, String disallowed, int max) {
    String s = value.replaceAll(disallowed, "-");
    return s.length() > max ? s.substring(0, max) : s;
  }
}
