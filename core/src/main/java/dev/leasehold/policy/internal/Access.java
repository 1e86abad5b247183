package dev.leasehold.policy.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an IAM action does, judged by the verb its name starts with: {@code Get}, {@code List},
 * {@code Describe}, {@code Head} read; {@code Delete}, {@code Terminate}, {@code Remove} delete; every
 * other verb writes. A heuristic, documented as such: it errs towards "write" ({@code logs:StartQuery} and
 * {@code rds-data:ExecuteStatement} count as writes). Not part of Leasehold's API.
 */
public enum Access {
  READ, WRITE, DELETE;

  private static final List<String> READ_VERBS = List.of("get", "list", "describe", "head");
  private static final List<String> DELETE_VERBS = List.of("delete", "terminate", "remove");

  /**
   * What an action or action pattern may do. A pattern may do everything its wildcard could reach:
   * {@code s3:Get*} reads, {@code s3:De*} may read, delete or write, {@code *} and {@code s3:*} do everything.
   */
  public static Set<Access> of(String action) {
    String verb = action.substring(action.indexOf(':') + 1).toLowerCase(Locale.ROOT);
    int wildcard = firstWildcard(verb);
    String prefix = wildcard < 0 ? verb : verb.substring(0, wildcard);
    Set<Access> out = EnumSet.noneOf(Access.class);
    if (definite(prefix, READ_VERBS)) {
      return EnumSet.of(READ);
    }
    if (definite(prefix, DELETE_VERBS)) {
      return EnumSet.of(DELETE);
    }
    out.add(WRITE);
    if (wildcard >= 0) {
      if (READ_VERBS.stream().anyMatch(v -> v.startsWith(prefix))) {
        out.add(READ);
      }
      if (DELETE_VERBS.stream().anyMatch(v -> v.startsWith(prefix))) {
        out.add(DELETE);
      }
    }
    return out;
  }

  private static boolean definite(String prefix, List<String> verbs) {
    return verbs.stream().anyMatch(prefix::startsWith);
  }

  private static int firstWildcard(String s) {
    int star = s.indexOf('*');
    int q = s.indexOf('?');
    return star < 0 ? q : q < 0 ? star : Math.min(star, q);
  }
}
