package dev.leasehold.policy.internal;

import dev.leasehold.policy.IamActions;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an IAM action does, for the linter's rules, from AWS's access levels: an action whose levels are
 * all Read or List reads; any other action writes, and among those, one whose name starts with
 * {@code Delete}, {@code Terminate} or {@code Remove} deletes (AWS classifies deletions as Write; the verb
 * only tells them apart from other writes). A pattern does everything the actions it matches in the data
 * do ({@code s3:Get*} reads, {@code ec2:De*} reads, writes and deletes); a name that matches no known
 * action is taken to write (catalogs refuse such names, so this only matters for loose documents).
 * Not part of Leasehold's API.
 */
public enum Access {
  READ, WRITE, DELETE;

  private static final List<String> DELETE_VERBS = List.of("delete", "terminate", "remove");

  /** What an action or action pattern may do. */
  public static Set<Access> of(String action) {
    List<String> matched = IamActions.expand(action);
    Set<Access> out = EnumSet.noneOf(Access.class);
    if (matched.isEmpty()) {
      out.add(isDelete(action) ? DELETE : WRITE);
      return out;
    }
    for (String a : matched) {
      out.add(!IamActions.isMutating(a) ? READ : isDelete(a) ? DELETE : WRITE);
      if (out.size() == 3) {
        break;
      }
    }
    return out;
  }

  private static boolean isDelete(String action) {
    String verb = action.substring(action.indexOf(':') + 1).toLowerCase(Locale.ROOT);
    return DELETE_VERBS.stream().anyMatch(verb::startsWith);
  }
}
