package dev.leasehold.policy.internal;

import dev.leasehold.policy.Condition;
import dev.leasehold.policy.EvaluationRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One condition ({@code operator: {key: values}}) compiled for evaluation: the operator is resolved once
 * and the policy values are parsed once (numbers, instants, CIDR blocks, wildcard patterns), so a check
 * only parses the request's own values. Not part of Leasehold's API.
 *
 * <p>Semantics, from IAM's documented condition logic:
 * <ul>
 *   <li>several values for one key: any may match (OR); the statement's conditions must all hold (AND);
 *   <li>a key absent from the request: the condition is false, except that negated operators
 *       ({@code StringNotEquals}, {@code ArnNotLike}, {@code NotIpAddress}, ...) are true and {@code ...IfExists}
 *       is true;
 *   <li>set operators come first ("Single-valued vs. multivalued context keys"): on a key that is absent or
 *       resolves to a null dataset (no values, or only empty strings) {@code ForAllValues:} is true and
 *       {@code ForAnyValue:} is false, with or without {@code IfExists} and whatever the operator;
 *   <li>{@code ForAnyValue:} holds when at least one request value passes the test, {@code ForAllValues:}
 *       when every request value does; a negated test passes when the value matches none of the policy
 *       values; without a qualifier a multi-valued key behaves like {@code ForAnyValue:} (and its negation);
 *   <li>{@code Null: true} holds when the key is absent, {@code Null: false} when it is present;
 *   <li>policy variables in the values of the {@code String*} and {@code Arn*} operators are resolved from
 *       the request ({@link Template}); a value whose variable has no value equals and is like nothing, so a
 *       positive operator does not match it and a negated one does ("Policy variables with no value");
 *   <li>{@code Arn*} values are matched as {@link ArnPattern}s (UNKNOWN where AWS's two documented readings
 *       of ARN wildcards differ).
 * </ul>
 * An operator outside this set, a policy variable in any other operator (AWS allows them only in string
 * and ARN conditions), broken variable syntax, or a policy value that does not parse makes the condition
 * {@link Tri#UNKNOWN}. Numbers are plain decimals ({@code -12}, {@code 3.5}); {@code 1e3}, {@code 0x10},
 * {@code 10f} and the like are not numbers here.
 */
public final class CompiledCondition {

  private enum Family { STRING, STRING_IGNORE_CASE, STRING_LIKE, BOOL, NUMERIC, DATE, ARN, IP, NULL }

  private enum Compare { EQ, LT, LE, GT, GE }

  private enum Qualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }

  private record Op(Family family, Compare compare, boolean negated) {}

  private static final Map<String, Op> OPERATORS = Map.ofEntries(
      Map.entry("stringequals", new Op(Family.STRING, Compare.EQ, false)),
      Map.entry("stringnotequals", new Op(Family.STRING, Compare.EQ, true)),
      Map.entry("stringequalsignorecase", new Op(Family.STRING_IGNORE_CASE, Compare.EQ, false)),
      Map.entry("stringnotequalsignorecase", new Op(Family.STRING_IGNORE_CASE, Compare.EQ, true)),
      Map.entry("stringlike", new Op(Family.STRING_LIKE, Compare.EQ, false)),
      Map.entry("stringnotlike", new Op(Family.STRING_LIKE, Compare.EQ, true)),
      Map.entry("bool", new Op(Family.BOOL, Compare.EQ, false)),
      Map.entry("numericequals", new Op(Family.NUMERIC, Compare.EQ, false)),
      Map.entry("numericnotequals", new Op(Family.NUMERIC, Compare.EQ, true)),
      Map.entry("numericlessthan", new Op(Family.NUMERIC, Compare.LT, false)),
      Map.entry("numericlessthanequals", new Op(Family.NUMERIC, Compare.LE, false)),
      Map.entry("numericgreaterthan", new Op(Family.NUMERIC, Compare.GT, false)),
      Map.entry("numericgreaterthanequals", new Op(Family.NUMERIC, Compare.GE, false)),
      Map.entry("dateequals", new Op(Family.DATE, Compare.EQ, false)),
      Map.entry("datenotequals", new Op(Family.DATE, Compare.EQ, true)),
      Map.entry("datelessthan", new Op(Family.DATE, Compare.LT, false)),
      Map.entry("datelessthanequals", new Op(Family.DATE, Compare.LE, false)),
      Map.entry("dategreaterthan", new Op(Family.DATE, Compare.GT, false)),
      Map.entry("dategreaterthanequals", new Op(Family.DATE, Compare.GE, false)),
      Map.entry("arnequals", new Op(Family.ARN, Compare.EQ, false)),
      Map.entry("arnlike", new Op(Family.ARN, Compare.EQ, false)),
      Map.entry("arnnotequals", new Op(Family.ARN, Compare.EQ, true)),
      Map.entry("arnnotlike", new Op(Family.ARN, Compare.EQ, true)),
      Map.entry("ipaddress", new Op(Family.IP, Compare.EQ, false)),
      Map.entry("notipaddress", new Op(Family.IP, Compare.EQ, true)),
      Map.entry("null", new Op(Family.NULL, Compare.EQ, false)));

  private final String key;
  private final Op op;
  private final Qualifier qualifier;
  private final boolean ifExists;
  private final boolean unknown;
  private final String[] strings;
  private final Glob[] globs;
  private final ArnPattern[] arns;
  private final double[] numbers;
  private final long[] instants;
  private final Cidr[] cidrs;
  private final Template[] templates;
  private final boolean templated;

  private CompiledCondition(Condition c, boolean variables) {
    this.key = c.key();
    String name = c.operator();
    Qualifier q = Qualifier.NONE;
    if (name.regionMatches(true, 0, "ForAnyValue:", 0, 12)) {
      q = Qualifier.FOR_ANY_VALUE;
      name = name.substring(12);
    } else if (name.regionMatches(true, 0, "ForAllValues:", 0, 13)) {
      q = Qualifier.FOR_ALL_VALUES;
      name = name.substring(13);
    }
    boolean exists = name.length() > 8 && name.regionMatches(true, name.length() - 8, "IfExists", 0, 8);
    if (exists) {
      name = name.substring(0, name.length() - 8);
    }
    this.qualifier = q;
    this.ifExists = exists;
    this.op = OPERATORS.get(name.toLowerCase(Locale.ROOT));
    List<String> values = c.values();
    int n = values.size();
    String[] s = new String[n];
    Glob[] g = new Glob[n];
    ArnPattern[] a = new ArnPattern[n];
    double[] d = new double[n];
    long[] t = new long[n];
    Cidr[] ip = new Cidr[n];
    Template[] tpl = new Template[n];
    boolean anyTemplate = false;
    boolean bad = op == null || (op.family == Family.NULL && (ifExists || q != Qualifier.NONE));
    for (int i = 0; i < n && !bad; i++) {
      String v = values.get(i);
      boolean textual = op.family == Family.STRING || op.family == Family.STRING_IGNORE_CASE
          || op.family == Family.STRING_LIKE || op.family == Family.ARN;
      if (Template.hasVariableSyntax(v) && (variables || !textual)) {
        if (!textual) {
          bad = true; // AWS allows variables only in string and ARN conditions
          break;
        }
        tpl[i] = Template.parse(v);
        anyTemplate = true;
        bad = tpl[i].isMalformed();
        continue;
      }
      switch (op.family) {
        case STRING, STRING_IGNORE_CASE -> s[i] = v;
        case BOOL -> {
          s[i] = v;
          bad = !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false");
        }
        case NULL -> {
          s[i] = v;
          bad = !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false");
        }
        case STRING_LIKE -> g[i] = Glob.of(v, false);
        case ARN -> a[i] = ArnPattern.of(v);
        case NUMERIC -> {
          d[i] = parseNumber(v);
          bad = Double.isNaN(d[i]);
        }
        case DATE -> {
          t[i] = parseDate(v);
          bad = t[i] == Long.MIN_VALUE;
        }
        case IP -> {
          ip[i] = Cidr.parse(v);
          bad = ip[i] == null;
        }
        default -> throw new AssertionError(op.family);
      }
    }
    this.unknown = bad;
    this.strings = s;
    this.globs = g;
    this.arns = a;
    this.numbers = d;
    this.instants = t;
    this.cidrs = ip;
    this.templates = tpl;
    this.templated = anyTemplate;
  }

  /** Compiles one condition; never fails (what it cannot evaluate evaluates to {@link Tri#UNKNOWN}). */
  public static CompiledCondition compile(Condition condition) {
    return new CompiledCondition(condition, true);
  }

  /**
   * Compiles one condition; {@code variables} false for a document of an older policy language version,
   * whose {@code ${...}} IAM takes as literal text.
   */
  public static CompiledCondition compile(Condition condition, boolean variables) {
    return new CompiledCondition(condition, variables);
  }

  /** The values of this condition that hold policy variables. */
  List<Template> templates() {
    List<Template> out = new java.util.ArrayList<>();
    for (Template t : templates) {
      if (t != null && t.hasVariables()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether the operator is one this evaluator knows (with valid values). */
  public boolean isSupported() {
    return !unknown;
  }

  /** Evaluates the condition against a request. */
  public Tri evaluate(EvaluationRequest request) {
    if (unknown) {
      return Tri.UNKNOWN;
    }
    List<String> context = request.contextValues(key);
    boolean present = !context.isEmpty();
    if (op.family == Family.NULL) {
      for (String v : strings) {
        if (Boolean.parseBoolean(v) != present) {
          return Tri.TRUE;
        }
      }
      return Tri.FALSE;
    }
    if (qualifier != Qualifier.NONE && nullDataset(context)) {
      // set operators are resolved before IfExists: ForAllValues holds, ForAnyValue cannot be satisfied
      return Tri.of(qualifier == Qualifier.FOR_ALL_VALUES);
    }
    if (!present) {
      return Tri.of(ifExists || op.negated);
    }
    Template.Resolved[] resolved = templated ? resolve(request) : null;
    switch (qualifier) {
      case FOR_ALL_VALUES: {
        Tri all = Tri.TRUE;
        for (int i = 0; i < context.size() && all != Tri.FALSE; i++) {
          all = Tri.and(all, test(context.get(i), resolved));
        }
        return all;
      }
      case FOR_ANY_VALUE: {
        Tri any = Tri.FALSE;
        for (int i = 0; i < context.size() && any != Tri.TRUE; i++) {
          any = Tri.or(any, test(context.get(i), resolved));
        }
        return any;
      }
      default: {
        Tri any = Tri.FALSE;
        for (int i = 0; i < context.size() && any != Tri.TRUE; i++) {
          any = Tri.or(any, matchesAny(context.get(i), resolved));
        }
        return op.negated ? Tri.not(any) : any;
      }
    }
  }

  /** No values, or only empty strings: AWS's "null dataset". */
  private static boolean nullDataset(List<String> context) {
    for (String v : context) {
      if (!v.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private Template.Resolved[] resolve(EvaluationRequest request) {
    Template.Resolved[] out = new Template.Resolved[templates.length];
    for (int i = 0; i < templates.length; i++) {
      if (templates[i] != null) {
        out[i] = templates[i].resolve(request);
      }
    }
    return out;
  }

  /** The operator's test of one request value: the positive match, or its negation for a negated operator. */
  private Tri test(String value, Template.Resolved[] resolved) {
    Tri t = matchesAny(value, resolved);
    return op.negated ? Tri.not(t) : t;
  }

  /** Whether one request value matches at least one policy value (the positive form of the operator). */
  private Tri matchesAny(String value, Template.Resolved[] resolved) {
    if (resolved == null) {
      return matchesAnyFixed(value);
    }
    Tri any = Tri.FALSE;
    for (int i = 0; i < templates.length && any != Tri.TRUE; i++) {
      Tri t;
      if (templates[i] == null) {
        t = matchesFixed(i, value);
      } else if (resolved[i] == null) {
        t = Tri.FALSE; // a variable with no value: nothing is equal to or like it
      } else {
        t = matchesResolved(resolved[i], value);
      }
      any = Tri.or(any, t);
    }
    return any;
  }

  private Tri matchesResolved(Template.Resolved r, String value) {
    switch (op.family) {
      case STRING:
        return Tri.of(r.text().equals(value));
      case STRING_IGNORE_CASE:
        return Tri.of(r.text().equalsIgnoreCase(value));
      case STRING_LIKE: {
        boolean strict = Glob.of(r.text(), r.strict(), false).matches(value);
        if (!r.ambiguous()) {
          return Tri.of(strict);
        }
        return strict == Glob.of(r.text(), r.loose(), false).matches(value) ? Tri.of(strict) : Tri.UNKNOWN;
      }
      case ARN: {
        Tri strict = ArnPattern.of(r.text(), r.strict()).matches(value);
        if (!r.ambiguous()) {
          return strict;
        }
        return strict == ArnPattern.of(r.text(), r.loose()).matches(value) ? strict : Tri.UNKNOWN;
      }
      default:
        throw new AssertionError(op.family);
    }
  }

  private Tri matchesFixed(int i, String value) {
    switch (op.family) {
      case STRING:
        return Tri.of(strings[i].equals(value));
      case STRING_IGNORE_CASE:
      case BOOL:
        return Tri.of(strings[i].equalsIgnoreCase(value));
      case STRING_LIKE:
        return Tri.of(globs[i].matches(value));
      case ARN:
        return arns[i].matches(value);
      default:
        return matchesAnyFixed(value);
    }
  }

  /** {@link #matchesAny} for a condition without variables. */
  private Tri matchesAnyFixed(String value) {
    switch (op.family) {
      case STRING:
        for (String s : strings) {
          if (s.equals(value)) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      case STRING_IGNORE_CASE:
      case BOOL:
        for (String s : strings) {
          if (s.equalsIgnoreCase(value)) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      case STRING_LIKE:
        for (Glob g : globs) {
          if (g.matches(value)) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      case ARN: {
        Tri any = Tri.FALSE;
        for (ArnPattern a : arns) {
          any = Tri.or(any, a.matches(value));
          if (any == Tri.TRUE) {
            return any;
          }
        }
        return any;
      }
      case NUMERIC: {
        double v = parseNumber(value);
        if (Double.isNaN(v)) {
          return Tri.FALSE;
        }
        for (double p : numbers) {
          if (compare(Double.compare(v, p))) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      }
      case DATE: {
        long v = parseDate(value);
        if (v == Long.MIN_VALUE) {
          return Tri.FALSE;
        }
        for (long p : instants) {
          if (compare(Long.compare(v, p))) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      }
      case IP: {
        byte[] address = Cidr.address(value);
        if (address == null) {
          return Tri.FALSE;
        }
        for (Cidr c : cidrs) {
          if (c.contains(address)) {
            return Tri.TRUE;
          }
        }
        return Tri.FALSE;
      }
      default:
        throw new AssertionError(op.family);
    }
  }

  private boolean compare(int cmp) {
    return switch (op.compare) {
      case EQ -> cmp == 0;
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      case GE -> cmp >= 0;
    };
  }

  /** A plain decimal ({@code [+-]digits[.digits]}), or NaN. */
  private static double parseNumber(String s) {
    String v = s.trim();
    int i = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
    int digits = 0;
    int dots = 0;
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && dots == 0 && digits > 0) {
        dots++;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0 || v.endsWith(".")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * Epoch milliseconds of an ISO-8601 date or date-time (offset optional, UTC assumed) or of epoch
   * seconds; {@link Long#MIN_VALUE} when it is neither.
   */
  static long parseDate(String s) {
    String v = s.trim();
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      try {
        return Math.multiplyExact(Long.parseLong(v), 1000L);
      } catch (ArithmeticException | NumberFormatException e) {
        return Long.MIN_VALUE;
      }
    }
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      int t = v.indexOf('T');
      boolean offset = t > 0 && (v.endsWith("Z") || v.endsWith("z") || v.indexOf('+', t) > 0 || v.indexOf('-', t) > 0);
      return offset
          ? OffsetDateTime.parse(v.replace('z', 'Z')).toInstant().toEpochMilli()
          : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      // ArithmeticException: a valid date beyond the range of epoch milliseconds (year +-292 million).
      return Long.MIN_VALUE;
    }
  }

  /** A CIDR block, IPv4 or IPv6; a bare address is a /32 or /128. */
  private static final class Cidr {
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
      this.network = network;
      this.prefix = prefix;
    }

    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      byte[] address = address(slash < 0 ? s : s.substring(0, slash));
      if (address == null) {
        return null;
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          return null;
        }
        if (prefix < 0 || prefix > bits) {
          return null;
        }
      }
      return new Cidr(address, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }

    /** The bytes of an IP address literal, or null; never resolves a host name. */
    static byte[] address(String s) {
      String v = s.trim();
      if (v.indexOf(':') < 0) {
        return ipv4(v);
      }
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          return null;
        }
      }
      try {
        return InetAddress.getByName(v).getAddress(); // a literal with ':' is never looked up
      } catch (UnknownHostException | SecurityException e) {
        return null;
      }
    }

    private static byte[] ipv4(String v) {
      byte[] out = new byte[4];
      int part = 0;
      int value = -1;
      for (int i = 0; i <= v.length(); i++) {
        char c = i < v.length() ? v.charAt(i) : '.';
        if (c == '.') {
          if (value < 0 || part > 3) {
            return null;
          }
          out[part++] = (byte) value;
          value = -1;
        } else if (c >= '0' && c <= '9') {
          value = value < 0 ? c - '0' : value * 10 + (c - '0');
          if (value > 255) {
            return null;
          }
        } else {
          return null;
        }
      }
      return part == 4 ? out : null;
    }
  }
}
