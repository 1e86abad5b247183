package dev.leasehold.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that knows the JSON Lines record format and its hash chain.
 *
 * <p>A record is a JSON object whose last two fields are {@code "prev"} (the previous record's hash, or
 * {@link #GENESIS}) and {@code "hash"}: the SHA-256 of the exact record text up to and excluding
 * {@code ,"hash":...}, closed with {@code }}. Hashing exact bytes means any edit, even of white space,
 * is detected.
 */
public final class AuditChain {
  /** The {@code prev} of the first record. */
  public static final String GENESIS = "0".repeat(64);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HASH_SUFFIX = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");

  private AuditChain() {}

  /** Formats {@code event} as record number {@code seq} chained to {@code prev}; returns the line (no newline). */
  public static String line(long seq, AuditEvent event, String prev) {
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", seq);
    node.put("time", event.time().toString());
    node.put("type", event.type().json());
    putIfPresent(node, "requestId", event.requestId());
    putIfPresent(node, "agent", event.agent());
    putIfPresent(node, "role", event.roleKey());
    putIfPresent(node, "roleArn", event.roleArn());
    putIfPresent(node, "reason", event.reason());
    putList(node, "intent", event.intent());
    putList(node, "resources", event.resources());
    putIfPresent(node, "approver", event.approver());
    putIfPresent(node, "outcome", event.outcome());
    putIfPresent(node, "cause", event.cause());
    putIfPresent(node, "action", event.action());
    node.put("prev", prev);
    String body;
    try {
      body = JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot format an audit record", e);
    }
    return body.substring(0, body.length() - 1) + ",\"hash\":\"" + sha256(body) + "\"}";
  }

  /** The hash stored in {@code line}, or null when the line has no well-formed hash suffix. */
  public static String storedHash(String line) {
    Matcher m = HASH_SUFFIX.matcher(line);
    return m.find() ? m.group(1) : null;
  }

  /** The hash {@code line} should carry, recomputed from its text; null when it has no hash suffix. */
  public static String computedHash(String line) {
    Matcher m = HASH_SUFFIX.matcher(line);
    return m.find() ? sha256(line.substring(0, m.start()) + "}") : null;
  }

  /** Parses a record's JSON. */
  public static JsonNode parse(String line) throws JsonProcessingException {
    return JSON.readTree(line);
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static void putList(ObjectNode node, String field, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode array = node.putArray(field);
      values.forEach(array::add);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
