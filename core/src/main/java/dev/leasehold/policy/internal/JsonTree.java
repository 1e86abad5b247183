package dev.leasehold.policy.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON or YAML document read into a small tree that remembers where each node and member name was
 * written, so validators can collect every problem with its line and column instead of stopping at the
 * first. Duplicate member names are reported (the first one wins) rather than silently overwritten.
 * Not part of Leasehold's API.
 */
public final class JsonTree {
  private JsonTree() {}

  /** Receives one problem at a line and column (1-based). */
  @FunctionalInterface
  public interface Problems {
    /** Records a problem. */
    void add(int line, int column, String message);

    /** Records a problem at a node. */
    default void at(Node node, String message) {
      add(node.line(), node.column(), message);
    }
  }

  /** A node of the tree. */
  public sealed interface Node permits Obj, Arr, Scalar {
    /** The 1-based line where the node starts. */
    int line();

    /** The 1-based column where the node starts. */
    int column();

    /** What a message calls this kind of node. */
    String kind();
  }

  /** A member of an object: its name, where the name was written, and its value. */
  public record Member(String name, int line, int column, Node value) {}

  /** An object; members in source order. */
  public record Obj(int line, int column, Map<String, Member> members) implements Node {
    @Override
    public String kind() {
      return "an object";
    }
  }

  /** An array. */
  public record Arr(int line, int column, List<Node> items) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar: its source text and JSON type. */
  public record Scalar(int line, int column, String text, Type type) implements Node {
    @Override
    public String kind() {
      return switch (type) {
        case STRING -> "a string";
        case NUMBER -> "a number";
        case BOOLEAN -> "a boolean";
        case NULL -> "null";
      };
    }
  }

  /** The JSON type of a scalar. */
  public enum Type { STRING, NUMBER, BOOLEAN, NULL }

  /**
   * Reads the one document the parser holds.
   *
   * @throws IOException for text the parser cannot read (its location names the place)
   */
  public static Node read(JsonParser parser, Problems problems) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return null;
    }
    Node root = readValue(parser, problems);
    JsonToken trailing = parser.nextToken();
    if (trailing != null) {
      JsonLocation at = parser.currentTokenLocation();
      problems.add(at.getLineNr(), at.getColumnNr(), "only one document is allowed; remove what follows");
    }
    return root;
  }

  private static Node readValue(JsonParser p, Problems problems) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, Member> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation nameAt = p.currentTokenLocation();
          String name = p.currentName();
          p.nextToken();
          Node value = readValue(p, problems);
          Member member = new Member(name, nameAt.getLineNr(), nameAt.getColumnNr(), value);
          Member earlier = members.putIfAbsent(name, member);
          if (earlier != null) {
            problems.add(member.line(), member.column(), "duplicate key '" + name + "' (first defined at line "
                + earlier.line() + "); keep only one");
          }
        }
        return new Obj(line, column, Collections.unmodifiableMap(members));
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(p, problems));
        }
        return new Arr(line, column, List.copyOf(items));
      }
      case VALUE_STRING:
        return new Scalar(line, column, p.getText(), Type.STRING);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new Scalar(line, column, p.getText(), Type.NUMBER);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Scalar(line, column, p.getText(), Type.BOOLEAN);
      case VALUE_NULL:
        return new Scalar(line, column, "null", Type.NULL);
      default:
        throw new IllegalStateException("unexpected token " + token);
    }
  }
}
