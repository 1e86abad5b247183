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
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * The one place that knows the JSON Lines record format and its chain.
 *
 * <p>A record is a JSON object whose last fields are {@code "prev"} (the previous record's hash, or
 * {@link #GENESIS}), in a keyed log {@code "keyId"} (the key's fingerprint), then {@code "hash"}: the
 * SHA-256 of the exact record text up to and excluding {@code ,"hash":...}, closed with <code>}</code>
 * (the "signed text"), and in a keyed log {@code "mac"}: the HMAC-SHA256 of the same signed text under the
 * log's key. Hashing exact bytes means any edit, even of white space, is detected; since the signed text
 * holds {@code seq} and {@code prev}, the MAC seals the record's place in the chain too.
 *
 * <p>An instance holds one {@link MessageDigest} and, when keyed, one initialised {@link Mac}, reused for
 * every record: it is not thread-safe, so each sink uses its own under its lock.
 */
public final class AuditChain {
  /** The {@code prev} of the first record. */
  public static final String GENESIS = "0".repeat(64);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEALS =
      Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"(?:,\"mac\":\"([0-9a-f]{64})\")?}$");
  private static final HexFormat HEX = HexFormat.of();

  private final MessageDigest sha256;
  private final Mac mac;
  private final String keyId;

  private AuditChain(Mac mac, String keyId) {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    this.mac = mac;
    this.keyId = keyId;
  }

  /** A chain whose records carry a hash only. */
  public static AuditChain unkeyed() {
    return new AuditChain(null, null);
  }

  /** A chain whose records also carry {@code keyId} and a MAC made with {@code mac} (initialised, owned by the chain). */
  public static AuditChain keyed(Mac mac, String keyId) {
    return new AuditChain(Objects.requireNonNull(mac, "mac == null"), Objects.requireNonNull(keyId, "keyId == null"));
  }

  /** Whether records carry a MAC. */
  public boolean isKeyed() {
    return mac != null;
  }

  /**
   * A formatted record.
   *
   * @param line the record's line, without a line break
   * @param hash its hash (the next record's {@code prev})
   * @param mac its MAC, or null in an unkeyed chain
   */
  public record Sealed(String line, String hash, String mac) {
    /** The value a checkpoint holds: the MAC in a keyed chain, else the hash. */
    public String seal() {
      return mac != null ? mac : hash;
    }
  }

  /**
   * A record line taken apart.
   *
   * @param signed the text the hash and MAC cover (everything before {@code ,"hash":}, closed with <code>}</code>)
   * @param hash the stored hash
   * @param mac the stored MAC, or null when the line has none
   */
  public record Parts(String signed, String hash, String mac) {}

  /**
   * The event's JSON members, from {@code "time"} to the last field that applies, without braces: the
   * part of a record that does not depend on its place in the chain, so a sink can format it before it
   * takes its lock. Thread-safe.
   */
  public static String fields(AuditEvent event) {
    ObjectNode node = JSON.createObjectNode();
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
    String json;
    try {
      json = JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot format an audit record", e);
    }
    return json.substring(1, json.length() - 1);
  }

  /** Formats {@code event} as record number {@code seq} chained to {@code prev}. */
  public Sealed seal(long seq, AuditEvent event, String prev) {
    return seal(seq, fields(event), prev);
  }

  /** Formats an event's {@link #fields(AuditEvent)} as record number {@code seq} chained to {@code prev}. */
  public Sealed seal(long seq, String fields, String prev) {
    StringBuilder text = new StringBuilder(fields.length() + 320).append("{\"seq\":").append(seq).append(',')
        .append(fields).append(",\"prev\":\"").append(prev).append('"');
    if (keyId != null) {
      text.append(",\"keyId\":\"").append(keyId).append('"');
    }
    byte[] signed = text.append('}').toString().getBytes(StandardCharsets.UTF_8);
    String hash = HEX.formatHex(sha256.digest(signed));
    String sealedMac = mac == null ? null : HEX.formatHex(mac.doFinal(signed));
    text.setLength(text.length() - 1);
    text.append(",\"hash\":\"").append(hash).append('"');
    if (sealedMac != null) {
      text.append(",\"mac\":\"").append(sealedMac).append('"');
    }
    return new Sealed(text.append('}').toString(), hash, sealedMac);
  }

  /** The hash of a record's signed text. */
  public String hashOf(String signed) {
    return HEX.formatHex(sha256.digest(signed.getBytes(StandardCharsets.UTF_8)));
  }

  /** The MAC of a record's signed text under this chain's key; only for a keyed chain. */
  public String macOf(String signed) {
    if (mac == null) {
      throw new IllegalStateException("an unkeyed chain has no MAC");
    }
    return HEX.formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  /** Takes {@code line} apart, or returns null when it does not end with well-formed seals. */
  public static Parts split(String line) {
    Matcher m = SEALS.matcher(line);
    if (!m.find()) {
      return null;
    }
    return new Parts(line.substring(0, m.start()) + "}", m.group(1), m.group(2));
  }

  /** Formats {@code event} as an unkeyed record number {@code seq} chained to {@code prev}; returns the line. */
  public static String line(long seq, AuditEvent event, String prev) {
    return unkeyed().seal(seq, event, prev).line();
  }

  /** The hash stored in {@code line}, or null when the line has no well-formed seals. */
  public static String storedHash(String line) {
    Parts parts = split(line);
    return parts == null ? null : parts.hash();
  }

  /** The hash {@code line} should carry, recomputed from its text; null when it has no well-formed seals. */
  public static String computedHash(String line) {
    Parts parts = split(line);
    return parts == null ? null : unkeyed().hashOf(parts.signed());
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
}
