package dev.leasehold.mcp.internal;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes anything that looks like a credential from text a model will read: the values of credential fields
 * ({@code SecretAccessKey}, {@code SessionToken}, {@code Token}, {@code AccessKeyId}, {@code Password} in JSON or
 * {@code key = value} form), access key ids ({@code AKIA...}, {@code ASIA...}), 40-character secret keys (mixed
 * case and digits, base64 alphabet), base64 runs of 100 characters or more (session tokens), and any exact secret
 * the caller knows (such as the lease's container token). Stateless and thread-safe.
 */
public final class Redactor {
  /** What a redacted value is replaced with. */
  public static final String REDACTED = "[REDACTED]";

  private static final Pattern FIELD = Pattern.compile(
      "(?i)(\"?(?:secret_?access_?key|session_?token|security_?token|token|access_?key_?id|password|"
          + "authorization)\"?\\s*[:=]\\s*\"?)([^\"\\s,}]+)");
  private static final Pattern KEY_ID = Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}(?![A-Z0-9])");
  private static final Pattern SECRET = Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
  private static final Pattern LONG = Pattern.compile("[A-Za-z0-9/+=_-]{100,}");

  private Redactor() {}

  /** {@code text} with every credential-shaped string and every one of {@code known} replaced. */
  public static String redact(String text, Collection<String> known) {
    String out = text;
    for (String secret : known) {
      if (secret != null && secret.length() >= 8) {
        out = out.replace(secret, REDACTED);
      }
    }
    out = FIELD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + REDACTED);
    out = KEY_ID.matcher(out).replaceAll(REDACTED);
    out = SECRET.matcher(out).replaceAll(m -> looksLikeSecret(m.group()) ? REDACTED : Matcher.quoteReplacement(m.group()));
    out = LONG.matcher(out).replaceAll(REDACTED);
    return out;
  }

  private static boolean looksLikeSecret(String s) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (char c : s.toCharArray()) {
      upper |= Character.isUpperCase(c);
      lower |= Character.isLowerCase(c);
      digit |= Character.isDigit(c);
    }
    return upper && lower && digit;
  }
}
