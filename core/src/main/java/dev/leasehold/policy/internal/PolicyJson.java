package dev.leasehold.policy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.leasehold.policy.Condition;
import dev.leasehold.policy.Effect;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyParseException;
import dev.leasehold.policy.Principal;
import dev.leasehold.policy.Statement;
import dev.leasehold.policy.internal.JsonTree.Arr;
import dev.leasehold.policy.internal.JsonTree.Member;
import dev.leasehold.policy.internal.JsonTree.Node;
import dev.leasehold.policy.internal.JsonTree.Obj;
import dev.leasehold.policy.internal.JsonTree.Problems;
import dev.leasehold.policy.internal.JsonTree.Scalar;
import dev.leasehold.policy.internal.JsonTree.Type;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes IAM policy JSON (see {@link PolicyDocument}). Not part of Leasehold's API. */
public final class PolicyJson {
  /** The one JSON factory of the policy model: no source excerpts in error locations. */
  public static final JsonFactory JSON = JsonFactory.builder()
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private static final Set<String> DOCUMENT_MEMBERS = Set.of("Version", "Id", "Statement");
  private static final Set<String> STATEMENT_MEMBERS = Set.of("Sid", "Effect", "Principal", "NotPrincipal",
      "Action", "NotAction", "Resource", "NotResource", "Condition");

  private PolicyJson() {}

  /** Parses a document, collecting every problem before failing. */
  public static PolicyDocument parse(String json) {
    List<String> problems = new ArrayList<>();
    Problems sink = (line, column, message) -> problems.add("line " + line + ", column " + column + ": " + message);
    Node root;
    try (JsonParser parser = JSON.createParser(json)) {
      root = JsonTree.read(parser, sink);
    } catch (JsonProcessingException e) {
      throw new PolicyParseException(List.of("line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null) {
      throw new PolicyParseException(List.of("line 1, column 1: the document is empty; expected {\"Version\": ..., \"Statement\": [...]}"));
    }
    PolicyDocument document = document(root, sink);
    if (!problems.isEmpty()) {
      throw new PolicyParseException(problems);
    }
    return document;
  }

  private static PolicyDocument document(Node root, Problems problems) {
    if (!(root instanceof Obj obj)) {
      problems.at(root, "a policy document must be an object, was " + root.kind());
      return null;
    }
    unknownMembers(obj, DOCUMENT_MEMBERS, problems);
    String version = optionalString(obj, "Version", problems);
    String id = optionalString(obj, "Id", problems);
    Member statementMember = obj.members().get("Statement");
    List<Statement> statements = new ArrayList<>();
    boolean single = false;
    if (statementMember == null) {
      problems.at(root, "missing \"Statement\"");
    } else if (statementMember.value() instanceof Obj one) {
      single = true;
      addIfPresent(statements, statement(one, problems));
    } else if (statementMember.value() instanceof Arr arr && !arr.items().isEmpty()) {
      for (Node item : arr.items()) {
        if (item instanceof Obj s) {
          addIfPresent(statements, statement(s, problems));
        } else {
          problems.at(item, "a statement must be an object, was " + item.kind());
        }
      }
    } else {
      problems.at(statementMember.value(), "\"Statement\" must be an object or a non-empty list of objects");
    }
    if (statements.isEmpty() || statements.size() != countStatements(statementMember)) {
      return null;
    }
    return new PolicyDocument(version, id, statements, single);
  }

  private static int countStatements(Member member) {
    return member.value() instanceof Arr arr ? arr.items().size() : 1;
  }

  private static void addIfPresent(List<Statement> statements, Statement statement) {
    if (statement != null) {
      statements.add(statement);
    }
  }

  private static Statement statement(Obj obj, Problems problems) {
    unknownMembers(obj, STATEMENT_MEMBERS, problems);
    Counter counter = new Counter(problems);
    Set<String> arrays = new HashSet<>();
    String sid = optionalString(obj, "Sid", counter);
    Effect effect = null;
    Member effectMember = obj.members().get("Effect");
    if (effectMember == null) {
      counter.at(obj, "a statement needs \"Effect\": \"Allow\" or \"Deny\"");
    } else {
      String text = string(effectMember.value(), "\"Effect\"", counter);
      if (text != null) {
        try {
          effect = Effect.fromJson(text);
        } catch (IllegalArgumentException e) {
          counter.at(effectMember.value(), e.getMessage());
        }
      }
    }
    Principal principal = principal(obj.members().get("Principal"), counter);
    Principal notPrincipal = principal(obj.members().get("NotPrincipal"), counter);
    List<String> actions = stringOrList(obj, "Action", arrays, counter);
    List<String> notActions = stringOrList(obj, "NotAction", arrays, counter);
    List<String> resources = stringOrList(obj, "Resource", arrays, counter);
    List<String> notResources = stringOrList(obj, "NotResource", arrays, counter);
    Member conditionMember = obj.members().get("Condition");
    List<Condition> conditions = conditionMember == null ? List.of() : conditions(conditionMember.value(), counter);
    if (counter.count > 0) {
      return null;
    }
    try {
      return new Statement(sid, effect, principal, notPrincipal, actions, notActions, resources, notResources,
          conditions, arrays);
    } catch (IllegalArgumentException e) {
      problems.at(obj, e.getMessage());
      return null;
    }
  }

  /** Counts the problems passed through it, so a caller knows whether a part was well-formed. */
  private static final class Counter implements Problems {
    private final Problems delegate;
    private int count;

    Counter(Problems delegate) {
      this.delegate = delegate;
    }

    @Override
    public void add(int line, int column, String message) {
      count++;
      delegate.add(line, column, message);
    }
  }

  private static Principal principal(Member member, Problems problems) {
    if (member == null) {
      return null;
    }
    Node value = member.value();
    if (value instanceof Scalar s && s.type() == Type.STRING && s.text().equals("*")) {
      return Principal.any();
    }
    if (!(value instanceof Obj obj) || obj.members().isEmpty()) {
      problems.at(value, "\"" + member.name() + "\" must be \"*\" or an object such as {\"AWS\": \"arn:...\"}");
      return null;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> arrays = new LinkedHashSet<>();
    for (Member type : obj.members().values()) {
      List<String> ids = strings(type.value(), "\"" + member.name() + "\"." + type.name(), problems);
      if (ids != null) {
        values.put(type.name(), ids);
        if (type.value() instanceof Arr) {
          arrays.add(type.name());
        }
      }
    }
    return new Principal(false, values, arrays);
  }

  /**
   * Reads an IAM {@code Condition} block: operator to key to a value or a list of values (strings,
   * booleans or numbers, kept as text with their type).
   */
  public static List<Condition> conditions(Node node, Problems problems) {
    List<Condition> conditions = new ArrayList<>();
    if (!(node instanceof Obj operators)) {
      problems.at(node, "a condition block must be an object of operator to {key: values}, was " + node.kind());
      return conditions;
    }
    for (Member operator : operators.members().values()) {
      if (operator.name().isBlank()) {
        problems.add(operator.line(), operator.column(), "condition operator must not be blank");
        continue;
      }
      if (!(operator.value() instanceof Obj keys) || keys.members().isEmpty()) {
        problems.at(operator.value(), "condition operator \"" + operator.name()
            + "\" must map context keys to values, such as {\"aws:SecureTransport\": \"true\"}");
        continue;
      }
      for (Member key : keys.members().values()) {
        if (key.name().isBlank()) {
          problems.add(key.line(), key.column(), "condition key under \"" + operator.name() + "\" must not be blank");
          continue;
        }
        List<Node> items = key.value() instanceof Arr arr ? arr.items() : List.of(key.value());
        List<String> values = new ArrayList<>();
        List<Condition.ValueType> types = new ArrayList<>();
        for (Node item : items) {
          if (item instanceof Scalar s && s.type() != Type.NULL) {
            values.add(s.text());
            types.add(switch (s.type()) {
              case NUMBER -> Condition.ValueType.NUMBER;
              case BOOLEAN -> Condition.ValueType.BOOLEAN;
              default -> Condition.ValueType.STRING;
            });
          } else {
            problems.at(item, "condition value of \"" + key.name() + "\" must be a string, number or boolean, was "
                + item.kind());
          }
        }
        if (items.isEmpty()) {
          problems.at(key.value(), "condition key \"" + key.name() + "\" needs at least one value");
        } else if (values.size() == items.size()) {
          conditions.add(new Condition(operator.name(), key.name(), values, key.value() instanceof Arr, types));
        }
      }
    }
    return conditions;
  }

  private static List<String> stringOrList(Obj obj, String name, Set<String> arrays, Problems problems) {
    Member member = obj.members().get(name);
    if (member == null) {
      return List.of();
    }
    if (member.value() instanceof Arr) {
      arrays.add(name);
    }
    List<String> values = strings(member.value(), "\"" + name + "\"", problems);
    return values == null ? List.of() : values;
  }

  /** A string or a non-empty list of strings; null (with a problem) otherwise. */
  public static List<String> strings(Node node, String what, Problems problems) {
    if (node instanceof Scalar s && s.type() == Type.STRING) {
      return List.of(s.text());
    }
    if (node instanceof Arr arr && !arr.items().isEmpty()) {
      List<String> values = new ArrayList<>();
      for (Node item : arr.items()) {
        String text = string(item, what + " entries", problems);
        if (text != null) {
          values.add(text);
        }
      }
      return values.size() == arr.items().size() ? values : null;
    }
    problems.at(node, what + " must be a string or a non-empty list of strings, was " + node.kind()
        + (node instanceof Arr ? " (empty)" : ""));
    return null;
  }

  /** A string scalar's text; null (with a problem) otherwise. */
  public static String string(Node node, String what, Problems problems) {
    if (node instanceof Scalar s && s.type() == Type.STRING) {
      return s.text();
    }
    problems.at(node, what + " must be a string, was " + node.kind());
    return null;
  }

  private static String optionalString(Obj obj, String name, Problems problems) {
    Member member = obj.members().get(name);
    return member == null ? null : string(member.value(), "\"" + name + "\"", problems);
  }

  /** Reports each member whose name is not in {@code allowed}. */
  public static void unknownMembers(Obj obj, Set<String> allowed, Problems problems) {
    for (Member member : obj.members().values()) {
      if (!allowed.contains(member.name())) {
        problems.add(member.line(), member.column(), "unknown key '" + member.name() + "'; expected one of "
            + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  /** Writes a document, indented or compact. */
  public static String write(PolicyDocument document, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      if (pretty) {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        g.setPrettyPrinter(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter));
      }
      g.writeStartObject();
      if (document.version() != null) {
        g.writeStringField("Version", document.version());
      }
      if (document.id() != null) {
        g.writeStringField("Id", document.id());
      }
      g.writeFieldName("Statement");
      if (document.singleStatement()) {
        writeStatement(g, document.statements().get(0));
      } else {
        g.writeStartArray();
        for (Statement s : document.statements()) {
          writeStatement(g, s);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeStatement(JsonGenerator g, Statement s) throws IOException {
    g.writeStartObject();
    if (s.sid() != null) {
      g.writeStringField("Sid", s.sid());
    }
    g.writeStringField("Effect", s.effect().json());
    writePrincipal(g, "Principal", s.principal());
    writePrincipal(g, "NotPrincipal", s.notPrincipal());
    writeList(g, "Action", s.actions(), s.explicitArrays().contains("Action"));
    writeList(g, "NotAction", s.notActions(), s.explicitArrays().contains("NotAction"));
    writeList(g, "Resource", s.resources(), s.explicitArrays().contains("Resource"));
    writeList(g, "NotResource", s.notResources(), s.explicitArrays().contains("NotResource"));
    if (!s.conditions().isEmpty()) {
      Map<String, List<Condition>> byOperator = new LinkedHashMap<>();
      for (Condition c : s.conditions()) {
        byOperator.computeIfAbsent(c.operator(), k -> new ArrayList<>()).add(c);
      }
      g.writeObjectFieldStart("Condition");
      for (Map.Entry<String, List<Condition>> e : byOperator.entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        for (Condition c : e.getValue()) {
          g.writeFieldName(c.key());
          if (c.explicitArray()) {
            g.writeStartArray();
          }
          for (int i = 0; i < c.values().size(); i++) {
            String v = c.values().get(i);
            switch (c.valueTypes().get(i)) {
              case BOOLEAN -> g.writeBoolean(Boolean.parseBoolean(v));
              case NUMBER -> g.writeNumber(v);
              default -> g.writeString(v);
            }
          }
          if (c.explicitArray()) {
            g.writeEndArray();
          }
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writePrincipal(JsonGenerator g, String name, Principal p) throws IOException {
    if (p == null) {
      return;
    }
    if (p.wildcard()) {
      g.writeStringField(name, "*");
      return;
    }
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, List<String>> e : p.values().entrySet()) {
      writeList(g, e.getKey(), e.getValue(), p.explicitArrays().contains(e.getKey()));
    }
    g.writeEndObject();
  }

  private static void writeList(JsonGenerator g, String name, List<String> values, boolean explicitArray)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    if (values.size() == 1 && !explicitArray) {
      g.writeStringField(name, values.get(0));
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
