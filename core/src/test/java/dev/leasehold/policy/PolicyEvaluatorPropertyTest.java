package dev.leasehold.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against a small reference implementation of AWS's documented rules for policy variables,
 * set operators and ARN wildcards, written here from the IAM User Guide and sharing no code with the
 * evaluator. Where the documentation allows more than one reading, the reference evaluates every reading:
 * <ul>
 *   <li>ARN wildcards: by segments ("IAM JSON policy elements: Resource": wildcards within the colon-separated
 *       segments, a {@code *} ending a segment expands across colons) or by six parts (partition, service,
 *       region and account each alone, the resource part after the fifth colon as a whole, a short pattern
 *       padded with {@code *});
 *   <li>a variable without a value: the element rule ("Policy variables with no value": the pattern matches no
 *       resource, the value equals nothing) or the statement rule ("not present ... causes the statement to be
 *       invalid");
 *   <li>a {@code *} or {@code ?} inside a substituted value: literal, or a wildcard.
 * </ul>
 * Properties, over a few thousand generated policies and requests from a fixed seed: the evaluator allows only
 * what every reading allows; it denies explicitly only what some reading denies explicitly; what every
 * reading denies explicitly it denies (explicitly or as UNKNOWN); and where every reading gives the same
 * answer, so does the evaluator (or UNKNOWN in the few cases a per-pattern mix of readings leaves undecided).
 */
class PolicyEvaluatorPropertyTest {

  private static final long SEED = 20_261_201L;
  private static final int CASES = 3_000;

  private enum Answer { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

  private record Reading(boolean sixParts, boolean statementInvalid, boolean substitutedWildcards) {}

  private static final List<Reading> READINGS = readings();

  private record Cond(String operator, String key, List<String> values) {}

  private record Stmt(boolean allow, boolean notAction, List<String> actions, boolean notResource,
      List<String> resources, List<Cond> conditions) {}

  private record Req(String action, String resource, Map<String, List<String>> context) {}

  private final Map<String, Pattern> regexes = new HashMap<>();

  @Test
  void neverMorePermissiveThanTheDocumentedRules() {
    Random random = new Random(SEED);
    int agreed = 0;
    int decided = 0;
    int allowed = 0;
    int denied = 0;
    for (int i = 0; i < CASES; i++) {
      List<Stmt> policy = policy(random);
      Req request = request(random, policy);
      EvaluationResult actual = PolicyEvaluator.of(PolicyDocument.parse(json(policy)))
          .evaluate(new EvaluationRequest(request.action(), request.resource(), null, request.context()));
      Set<Answer> answers = EnumSet.noneOf(Answer.class);
      for (Reading reading : READINGS) {
        answers.add(reference(policy, request, reading));
      }
      int index = i;
      Supplier<String> where = () -> "case " + index + ": " + json(policy) + " for " + request + " gave " + actual
          + ", the documented readings " + answers;

      if (actual == EvaluationResult.ALLOW) {
        assertThat(answers).as(where).containsOnly(Answer.ALLOW);
        allowed++;
      }
      if (actual == EvaluationResult.EXPLICIT_DENY) {
        assertThat(answers).as(where).contains(Answer.EXPLICIT_DENY);
        denied++;
      }
      if (answers.equals(Set.of(Answer.EXPLICIT_DENY))) {
        assertThat(actual).as(where).isIn(EvaluationResult.EXPLICIT_DENY, EvaluationResult.UNKNOWN);
      }
      if (answers.size() == 1) {
        decided++;
        Answer only = answers.iterator().next();
        if (actual.name().equals(only.name())) {
          agreed++;
        } else {
          assertThat(actual).as(where).isEqualTo(EvaluationResult.UNKNOWN);
        }
      }
    }
    // the generator reaches every answer, and the evaluator is not trivially cautious
    assertThat(allowed).isGreaterThan(CASES / 10);
    assertThat(denied).isGreaterThan(CASES / 20);
    assertThat(decided).isGreaterThan(CASES / 2);
    assertThat(agreed).isGreaterThanOrEqualTo(decided * 98 / 100);
  }

  // ---- the reference ------------------------------------------------------------------------------------

  private Answer reference(List<Stmt> policy, Req request, Reading reading) {
    boolean allow = false;
    for (Stmt s : policy) {
      if (applies(s, request, reading)) {
        if (!s.allow()) {
          return Answer.EXPLICIT_DENY;
        }
        allow = true;
      }
    }
    return allow ? Answer.ALLOW : Answer.IMPLICIT_DENY;
  }

  private boolean applies(Stmt s, Req request, Reading reading) {
    boolean action = s.actions().stream().anyMatch(a -> regex("(?i)" + glob(a)).matcher(request.action()).matches());
    if (action == s.notAction()) {
      return false;
    }
    boolean unresolved = false;
    boolean resource = false;
    for (String pattern : s.resources()) {
      List<Token> tokens = substitute(pattern, request.context(), reading);
      if (tokens == null) {
        unresolved = true;
      } else {
        resource |= arnMatches(tokens, request.resource(), reading);
      }
    }
    if (resource == s.notResource()) {
      return false;
    }
    for (Cond c : s.conditions()) {
      for (String v : c.values()) {
        unresolved |= substitute(v, request.context(), reading) == null;
      }
      if (!condition(c, request, reading)) {
        return false;
      }
    }
    return !(reading.statementInvalid() && unresolved);
  }

  private boolean condition(Cond c, Req request, Reading reading) {
    String op = c.operator();
    String qualifier = "";
    if (op.startsWith("ForAnyValue:") || op.startsWith("ForAllValues:")) {
      qualifier = op.substring(0, op.indexOf(':'));
      op = op.substring(op.indexOf(':') + 1);
    }
    boolean ifExists = op.endsWith("IfExists");
    String base = ifExists ? op.substring(0, op.length() - "IfExists".length()) : op;
    boolean negated = base.contains("Not");
    List<String> values = lookup(request.context(), c.key());
    boolean nullDataset = values == null || values.stream().allMatch(String::isEmpty);
    if (!qualifier.isEmpty() && nullDataset) {
      return qualifier.equals("ForAllValues"); // "Single-valued vs. multivalued context keys"
    }
    if (values == null || values.isEmpty()) {
      return ifExists || negated;
    }
    List<List<Token>> policyValues = new ArrayList<>();
    for (String v : c.values()) {
      List<Token> t = substitute(v, request.context(), reading);
      if (t != null) {
        policyValues.add(t); // a value whose variable has no value equals and is like nothing
      }
    }
    switch (qualifier) {
      case "ForAllValues":
        return values.stream().allMatch(v -> anyPolicyValue(base, policyValues, v, reading) != negated);
      case "ForAnyValue":
        return values.stream().anyMatch(v -> anyPolicyValue(base, policyValues, v, reading) != negated);
      default:
        return values.stream().anyMatch(v -> anyPolicyValue(base, policyValues, v, reading)) != negated;
    }
  }

  private boolean anyPolicyValue(String base, List<List<Token>> policyValues, String value, Reading reading) {
    for (List<Token> p : policyValues) {
      boolean match = switch (base) {
        case "StringEquals", "StringNotEquals" -> text(p).equals(value);
        case "StringLike", "StringNotLike" -> regex(plainGlob(p)).matcher(value).matches();
        case "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals" -> arnMatches(p, value, reading);
        default -> throw new AssertionError(base);
      };
      if (match) {
        return true;
      }
    }
    return false;
  }

  /** A piece of a resolved policy string: text the author wrote (wildcards live) or text that is literal. */
  private record Token(String text, boolean wild) {}

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  /** "IAM policy elements: Variables and tags": substitution, escapes and defaults; null when unresolved. */
  private static List<Token> substitute(String raw, Map<String, List<String>> context, Reading reading) {
    List<Token> out = new ArrayList<>();
    Matcher m = VARIABLE.matcher(raw);
    int at = 0;
    while (m.find()) {
      out.add(new Token(raw.substring(at, m.start()), true));
      String inner = m.group(1);
      if (inner.equals("*") || inner.equals("?") || inner.equals("$")) {
        out.add(new Token(inner, false));
      } else {
        String[] parts = inner.split(", ", 2);
        List<String> values = lookup(context, parts[0].trim());
        String value = values != null && values.size() == 1 && !values.get(0).isEmpty() ? values.get(0)
            : parts.length == 2 ? parts[1].substring(1, parts[1].length() - 1) : null;
        if (value == null) {
          return null;
        }
        out.add(new Token(value, reading.substitutedWildcards()));
      }
      at = m.end();
    }
    out.add(new Token(raw.substring(at), true));
    return out;
  }

  private static List<String> lookup(Map<String, List<String>> context, String key) {
    for (Map.Entry<String, List<String>> e : context.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
        return e.getValue();
      }
    }
    return null;
  }

  /** "IAM JSON policy elements: Resource" and the ARN condition operators, in the given reading. */
  private boolean arnMatches(List<Token> pattern, String arn, Reading reading) {
    StringBuilder chars = new StringBuilder();
    List<Boolean> wild = new ArrayList<>();
    for (Token t : pattern) {
      for (char c : t.text().toCharArray()) {
        chars.append(c);
        wild.add(t.wild() && (c == '*' || c == '?'));
      }
    }
    String p = chars.toString();
    if (!reading.sixParts()) {
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (wild.get(i) && c == '?') {
          re.append("[^:]");
        } else if (wild.get(i)) {
          re.append(i + 1 == p.length() || p.charAt(i + 1) == ':' ? ".*" : "[^:]*");
        } else {
          re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return regex(re.toString()).matcher(arn).matches();
    }
    if (!p.startsWith("arn:")) {
      return regex(globOf(p, wild, 0, p.length())).matcher(arn).matches();
    }
    List<int[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < p.length() && parts.size() < 5; i++) {
      if (p.charAt(i) == ':') {
        parts.add(new int[] {start, i});
        start = i + 1;
      }
    }
    parts.add(new int[] {start, p.length()});
    String[] text = arn.split(":", 6);
    if (text.length < 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (i < parts.size() && !regex(globOf(p, wild, parts.get(i)[0], parts.get(i)[1])).matcher(text[i]).matches()) {
        return false;
      }
    }
    return true;
  }

  private static String globOf(String p, List<Boolean> wild, int from, int to) {
    StringBuilder re = new StringBuilder();
    for (int i = from; i < to; i++) {
      char c = p.charAt(i);
      re.append(!wild.get(i) ? Pattern.quote(String.valueOf(c)) : c == '*' ? ".*" : ".");
    }
    return re.toString();
  }

  private static String plainGlob(List<Token> tokens) {
    StringBuilder re = new StringBuilder();
    for (Token t : tokens) {
      for (char c : t.text().toCharArray()) {
        re.append(t.wild() && c == '*' ? ".*" : t.wild() && c == '?' ? "." : Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  private static String text(List<Token> tokens) {
    StringBuilder s = new StringBuilder();
    tokens.forEach(t -> s.append(t.text()));
    return s.toString();
  }

  private static String glob(String s) {
    return plainGlob(List.of(new Token(s, true)));
  }

  private Pattern regex(String re) {
    return regexes.computeIfAbsent(re, r -> Pattern.compile(r, Pattern.DOTALL));
  }

  private static List<Reading> readings() {
    List<Reading> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      out.add(new Reading((i & 1) != 0, (i & 2) != 0, (i & 4) != 0));
    }
    return out;
  }

  // ---- the generator ------------------------------------------------------------------------------------

  private static final String[] POLICY_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*", "*", "ec2:*",
      "ec2:Describe*"};
  private static final String[] REQUEST_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
      "ec2:DescribeInstances", "ec2:TerminateInstances"};
  private static final String[] PARTITIONS = {"aws", "aws", "a?s", "*"};
  private static final String[] SERVICES = {"s3", "s3", "s?", "*", "ec2"};
  private static final String[] REGIONS = {"", "", "us-east-1", "us-*", "*", "us-east-?"};
  private static final String[] ACCOUNTS = {"", "", "123456789012", "*", "1*"};
  private static final String[] RESOURCE_PARTS = {"bucket/*", "bucket/home/${aws:username}/*",
      "bucket/${aws:PrincipalTag/team}/*", "bucket/${aws:PrincipalTag/team, 'shared'}/*", "bucket/*/x",
      "bucket/${*}", "bucket/a?b/x", "instance/*", "instance/i-*", "*", "bucket/${aws:userid}/*", "log-group:app:*",
      "bucket/${s3:prefix}", "bucket/home/*/x", "bucket/home/${AWS:UserName}/x"};
  private static final String[] REQUEST_RESOURCES = {"arn:aws:s3:::bucket/home/hermes/x",
      "arn:aws:s3:::bucket/home/mallory/x", "arn:aws:s3:::bucket/blue/x", "arn:aws:s3:::bucket/shared/x",
      "arn:aws:s3:::bucket/a:b/x", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/acb/x", "arn:aws:s3:::bucket/a:b/x",
      "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:s3:::bucket/b*/x",
      "arn:aws:ec2:us-east-1:123456789012:log-group:app:log-stream:s", "arn:aws:s3:::bucket/AROA1:hermes/x", "*",
      "arn:aws:s3:us-east-1:999:x:bucket/x", "arn:aws:s3:::bucket/home/${aws:username}/x",
      "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/x", "arn:aws:s3:::bucket/home/hermes", "arn:aws:s3:::bucket/home/x:y/x"};
  private static final String[] STRING_OPERATORS = {"StringEquals", "StringNotEquals", "StringLike", "StringNotLike"};
  private static final String[] ARN_OPERATORS = {"ArnLike", "ArnNotLike", "ArnEquals"};
  private static final Map<String, String[]> CONDITION_VALUES = new LinkedHashMap<>();

  static {
    CONDITION_VALUES.put("aws:TagKeys", new String[] {"env", "owner", "e*", "${aws:PrincipalTag/team}"});
    CONDITION_VALUES.put("aws:username", new String[] {"hermes", "${aws:PrincipalTag/team}", "h*", "${aws:userid}"});
    CONDITION_VALUES.put("aws:PrincipalTag/team", new String[] {"blue", "${aws:username}", "b*", "${*}"});
    CONDITION_VALUES.put("s3:prefix", new String[] {"home/${aws:username}/*", "*", "home/*", "${s3:prefix}"});
    CONDITION_VALUES.put("aws:SourceArn", new String[] {"arn:aws:sns:*:*:topic", "arn:aws:sns:us-east-1:*:*",
        "arn:aws:sns?us-east-1:*:topic", "arn:aws:sns:us-east-1:123456789012:${aws:username}", "arn:aws:sns:*:1*"});
  }

  private static List<Stmt> policy(Random r) {
    List<Stmt> out = new ArrayList<>();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      List<String> actions = new ArrayList<>();
      for (int k = 1 + r.nextInt(2); k > 0; k--) {
        actions.add(pick(r, POLICY_ACTIONS));
      }
      List<String> resources = new ArrayList<>();
      for (int k = 1 + r.nextInt(2); k > 0; k--) {
        resources.add(resourcePattern(r));
      }
      List<Cond> conditions = new ArrayList<>();
      for (int k = r.nextInt(4) - 1; k > 0; k--) {
        Cond c = condition(r);
        if (conditions.stream().noneMatch(o -> o.operator().equals(c.operator()) && o.key().equals(c.key()))) {
          conditions.add(c);
        }
      }
      out.add(new Stmt(r.nextInt(10) < 6, r.nextInt(5) == 0, actions, r.nextInt(5) == 0, resources, conditions));
    }
    return out;
  }

  private static String resourcePattern(Random r) {
    if (r.nextInt(6) == 0) {
      return "*";
    }
    if (r.nextInt(3) == 0) {
      return "arn:aws:s3:::" + pick(r, RESOURCE_PARTS);
    }
    String[] segments = {"arn", pick(r, PARTITIONS), pick(r, SERVICES), pick(r, REGIONS), pick(r, ACCOUNTS),
        pick(r, RESOURCE_PARTS)};
    if (r.nextInt(10) == 0) {
      int keep = 2 + r.nextInt(4);
      StringBuilder s = new StringBuilder(segments[0]);
      for (int i = 1; i <= keep; i++) {
        s.append(':').append(i == 5 ? "*" : segments[i]);
      }
      return r.nextBoolean() ? s.append('*').toString() : s.toString();
    }
    StringBuilder s = new StringBuilder(segments[0]);
    boolean variable = segments[5].contains("${");
    for (int i = 1; i < 6; i++) {
      s.append(!variable && r.nextInt(12) == 0 ? (r.nextBoolean() ? "?" : "*") : ":").append(segments[i]);
    }
    return s.toString();
  }

  private static Cond condition(Random r) {
    List<String> keys = new ArrayList<>(CONDITION_VALUES.keySet());
    String key = keys.get(r.nextInt(keys.size()));
    String base = key.equals("aws:SourceArn") && r.nextBoolean() ? pick(r, ARN_OPERATORS) : pick(r, STRING_OPERATORS);
    String qualifier = switch (r.nextInt(4)) {
      case 0 -> "ForAnyValue:";
      case 1 -> "ForAllValues:";
      default -> "";
    };
    String operator = qualifier + base + (r.nextInt(3) == 0 ? "IfExists" : "");
    List<String> values = new ArrayList<>();
    for (int k = 1 + r.nextInt(2); k > 0; k--) {
      values.add(pick(r, CONDITION_VALUES.get(key)));
    }
    return new Cond(operator, r.nextInt(6) == 0 ? key.toUpperCase(Locale.ROOT) : key, values);
  }

  private static Req request(Random r, List<Stmt> policy) {
    Map<String, List<String>> context = new LinkedHashMap<>();
    maybe(r, context, "aws:username", List.of("hermes"), List.of("mallory"), List.of(""));
    maybe(r, context, "aws:userid", List.of("AROA1:hermes"));
    maybe(r, context, "aws:PrincipalTag/team", List.of("blue"), List.of("b*"), List.of("shared"));
    maybe(r, context, "aws:TagKeys", List.of(), List.of(""), List.of("env"), List.of("env", "owner"), List.of("owner"));
    maybe(r, context, "s3:prefix", List.of("home/hermes/x"), List.of("*"), List.of("blue/x"));
    maybe(r, context, "aws:SourceArn", List.of("arn:aws:sns:us-east-1:123456789012:topic"),
        List.of("arn:aws:sns:us-east-1:123:456:topic"), List.of("arn:aws:sns:us-east-1:123456789012:hermes"));
    String resource = pick(r, REQUEST_RESOURCES);
    if (r.nextInt(5) < 2) {
      // a resource made from one of the policy's own patterns, so that patterns and requests meet
      Stmt s = policy.get(r.nextInt(policy.size()));
      resource = instance(r, s.resources().get(r.nextInt(s.resources().size())));
    }
    return new Req(pick(r, REQUEST_ACTIONS), resource, context);
  }

  /** Fills a pattern's wildcards with text (a colon now and then) and its variables with values or itself. */
  private static String instance(Random r, String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      int close = pattern.indexOf('}', i);
      if (c == '$' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{' && close > 0) {
        String[] values = {pattern.substring(i, close + 1), "hermes", "blue", "shared", "*"};
        out.append(pick(r, values));
        i = close;
      } else if (c == '*') {
        out.append(pick(r, new String[] {"", "x", "a:b", "x/y"}));
      } else if (c == '?') {
        out.append(pick(r, new String[] {"q", ":", "?"}));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @SafeVarargs
  private static void maybe(Random r, Map<String, List<String>> context, String key, List<String>... choices) {
    if (r.nextInt(3) > 0) {
      context.put(key, choices[r.nextInt(choices.length)]);
    }
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String json(List<Stmt> policy) {
    List<String> statements = new ArrayList<>();
    for (Stmt s : policy) {
      StringBuilder b = new StringBuilder("{\"Effect\":\"").append(s.allow() ? "Allow" : "Deny").append("\",\"")
          .append(s.notAction() ? "NotAction" : "Action").append("\":").append(array(s.actions())).append(",\"")
          .append(s.notResource() ? "NotResource" : "Resource").append("\":").append(array(s.resources()));
      if (!s.conditions().isEmpty()) {
        Map<String, Map<String, List<String>>> byOperator = new LinkedHashMap<>();
        for (Cond c : s.conditions()) {
          byOperator.computeIfAbsent(c.operator(), k -> new LinkedHashMap<>()).merge(c.key(), c.values(), (a, v) -> a);
        }
        List<String> ops = new ArrayList<>();
        byOperator.forEach((op, keys) -> {
          List<String> entries = new ArrayList<>();
          keys.forEach((k, v) -> entries.add("\"" + k + "\":" + array(v)));
          ops.add("\"" + op + "\":{" + String.join(",", entries) + "}");
        });
        b.append(",\"Condition\":{").append(String.join(",", ops)).append('}');
      }
      statements.add(b.append('}').toString());
    }
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
  }

  private static String array(List<String> values) {
    return "[\"" + String.join("\",\"", values) + "\"]";
  }
}
