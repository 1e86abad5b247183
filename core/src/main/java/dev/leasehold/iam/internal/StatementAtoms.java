package dev.leasehold.iam.internal;

import dev.leasehold.policy.Condition;
import dev.leasehold.policy.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Compares identity-policy statements by what they grant rather than how they are written: each statement
 * is split into atoms of (effect, one action, one resource, its conditions), with action names in lower
 * case and Sids ignored, so regrouping actions, reordering lists or renaming Sids is not drift.
 * {@code NotAction}/{@code NotResource} statements stay whole.
 */
public final class StatementAtoms {
  private StatementAtoms() {}

  /** The sorted, de-duplicated atoms of {@code statements}, each as one readable line. */
  public static TreeSet<String> of(Collection<Statement> statements) {
    TreeSet<String> atoms = new TreeSet<>();
    for (Statement s : statements) {
      String when = conditions(s.conditions());
      List<String> actions = s.notActions().isEmpty()
          ? s.actions().stream().map(a -> a.toLowerCase(Locale.ROOT)).toList()
          : List.of("NotAction " + sortedLower(s.notActions()));
      List<String> resources = s.notResources().isEmpty()
          ? (s.resources().isEmpty() ? List.of("(no resource)") : s.resources())
          : List.of("NotResource " + new TreeSet<>(s.notResources()));
      for (String action : actions) {
        for (String resource : resources) {
          atoms.add(s.effect().json() + " " + action + " on " + resource + when);
        }
      }
    }
    return atoms;
  }

  /**
   * A diff of what the catalog declares against what the account holds, one atom per line: {@code -} for
   * an atom only the catalog has, {@code +} for one only the account has. Empty when they grant the same.
   */
  public static List<String> diff(Collection<Statement> catalog, Collection<Statement> account) {
    TreeSet<String> expected = of(catalog);
    TreeSet<String> actual = of(account);
    List<String> lines = new ArrayList<>();
    for (String atom : expected) {
      if (!actual.contains(atom)) {
        lines.add("- " + atom);
      }
    }
    for (String atom : actual) {
      if (!expected.contains(atom)) {
        lines.add("+ " + atom);
      }
    }
    return lines;
  }

  private static String sortedLower(List<String> values) {
    TreeSet<String> set = new TreeSet<>();
    values.forEach(v -> set.add(v.toLowerCase(Locale.ROOT)));
    return set.toString();
  }

  private static String conditions(List<Condition> conditions) {
    if (conditions.isEmpty()) {
      return "";
    }
    TreeSet<String> parts = new TreeSet<>();
    for (Condition c : conditions) {
      parts.add(c.operator() + " " + c.key().toLowerCase(Locale.ROOT) + " " + new TreeSet<>(c.values()));
    }
    return " if " + String.join(" and ", parts);
  }
}
