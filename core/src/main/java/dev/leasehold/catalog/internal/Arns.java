package dev.leasehold.catalog.internal;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that checks the IAM ARNs a catalog names: partition, service {@code iam}, no region, a
 * 12-digit account (or {@code aws} for AWS managed policies), and a resource of the expected type with
 * no wildcard. Not part of Leasehold's API.
 */
public final class Arns {
  /** The AWS partitions. */
  public static final Set<String> PARTITIONS =
      Set.of("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc");

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern PATH_AND_NAME = Pattern.compile("(/[\\w+=,.@-]+)*/[\\w+=,.@-]{1,128}");

  private Arns() {}

  /** The kinds of IAM ARN a catalog names. */
  public enum Kind {
    ROLE("role", "an IAM role", "arn:aws:iam::123456789012:role/NAME"),
    USER("user", "an IAM user", "arn:aws:iam::123456789012:user/NAME"),
    MFA("mfa", "an IAM MFA device", "arn:aws:iam::123456789012:mfa/NAME"),
    POLICY("policy", "an IAM managed policy", "arn:aws:iam::aws:policy/NAME");

    private final String type;
    private final String what;
    private final String example;

    Kind(String type, String what, String example) {
      this.type = type;
      this.what = what;
      this.example = example;
    }
  }

  /** What is wrong with {@code arn} as an ARN of this kind, or null when it is well-formed. */
  public static String problem(String arn, Kind kind) {
    String[] parts = arn.split(":", 6);
    String expected = "; expected " + kind.what + " such as " + kind.example;
    if (parts.length != 6 || !parts[0].equals("arn")) {
      return "'" + arn + "' is not an ARN" + expected;
    }
    if (arn.indexOf('*') >= 0 || arn.indexOf('?') >= 0) {
      return "'" + arn + "' must name exactly one " + kind.type + ", not a wildcard pattern";
    }
    if (!PARTITIONS.contains(parts[1])) {
      return "ARN partition '" + parts[1] + "' is not an AWS partition (one of "
          + String.join(", ", new java.util.TreeSet<>(PARTITIONS)) + ")";
    }
    if (!parts[2].equals("iam")) {
      return "'" + arn + "' is a '" + parts[2] + "' ARN" + expected;
    }
    if (!parts[3].isEmpty()) {
      return "IAM ARNs have no region; remove '" + parts[3] + "' from '" + arn + "'";
    }
    boolean awsManaged = kind == Kind.POLICY && parts[4].equals("aws");
    if (!awsManaged && !ACCOUNT.matcher(parts[4]).matches()) {
      return "account id in '" + arn + "' must be 12 digits, was '" + parts[4] + "'";
    }
    String resource = parts[5];
    if (!resource.startsWith(kind.type + "/")) {
      return "'" + arn + "' is not " + kind.what + " (resource '" + resource + "')" + expected;
    }
    if (!PATH_AND_NAME.matcher(resource.substring(kind.type.length())).matches()) {
      return "'" + arn + "' has a malformed " + kind.type + " path or name" + expected;
    }
    return null;
  }

  /** The 12-digit account of a well-formed ARN. */
  public static String account(String arn) {
    return arn.split(":", 6)[4];
  }

  /** The path ({@code /} or {@code /a/b/}) of a well-formed IAM ARN. */
  public static String path(String arn) {
    String resource = arn.split(":", 6)[5];
    return resource.substring(resource.indexOf('/'), resource.lastIndexOf('/') + 1);
  }

  /** The name (last path segment) of a well-formed IAM ARN. */
  public static String name(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }
}
