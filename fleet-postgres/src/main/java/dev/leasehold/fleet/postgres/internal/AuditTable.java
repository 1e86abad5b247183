package dev.leasehold.fleet.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leasehold.audit.internal.AuditChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL of {@code leasehold.audit_records} (migration V2), in one place: the chain lock, the head, the
 * multi-row insert, and the check of a head record before a sink chains after it.
 */
public final class AuditTable {
  /**
   * The key of the transaction-level advisory lock that serialises the chain head across brokers: the bytes
   * of {@code "leaseaud"}. Advisory locks need no table privilege, so the broker's role keeps INSERT and
   * SELECT only.
   */
  public static final long CHAIN_LOCK = 0x6c65617365617564L;

  private static final String HEAD = "SELECT seq, record FROM leasehold.audit_records ORDER BY seq DESC LIMIT 1";

  private AuditTable() {}

  /**
   * The newest record.
   *
   * @param seq its sequence number (the column)
   * @param record its text
   */
  public record Head(long seq, String record) {}

  /**
   * Takes the chain lock until the transaction of {@code c} (not in auto-commit) ends, then reads the newest
   * record (null for an empty chain). Two statements sent in one round trip: the head is read by the second,
   * whose snapshot is taken after the lock was granted, so it sees every batch committed before.
   */
  public static Head lockAndReadHead(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + CHAIN_LOCK + "); " + HEAD);
      if (!st.getMoreResults()) {
        throw new SQLException("no head result after the chain lock");
      }
      try (ResultSet rs = st.getResultSet()) {
        return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null;
      }
    }
  }

  /** The newest record, or null for an empty chain (without the lock: for a check before writing). */
  public static Head head(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(HEAD); ResultSet rs = st.executeQuery()) {
      return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : null;
    }
  }

  /**
   * Inserts the rows {@code seqs[i], records[i]} in one statement and commits the transaction of {@code c}, in
   * one round trip (the chain lock is held for as short as possible). On an exception the caller rolls back;
   * whether the commit happened is then unknown only when the connection broke.
   */
  public static void insertAndCommit(Connection c, String brokerId, long[] seqs, String[] records)
      throws SQLException {
    Long[] boxed = new Long[seqs.length];
    for (int i = 0; i < seqs.length; i++) {
      boxed[i] = seqs[i];
    }
    Array seqArray = c.createArrayOf("bigint", boxed);
    Array recordArray = c.createArrayOf("text", records);
    try (PreparedStatement st = c.prepareStatement("INSERT INTO leasehold.audit_records (seq, record, broker_id) "
        + "SELECT s, r, ? FROM unnest(?::bigint[], ?::text[]) AS t(s, r); COMMIT")) {
      st.setString(1, brokerId);
      st.setArray(2, seqArray);
      st.setArray(3, recordArray);
      st.execute();
      int inserted = st.getUpdateCount();
      if (inserted != seqs.length) {
        throw new SQLException("inserted " + inserted + " audit rows of " + seqs.length);
      }
    } finally {
      seqArray.free();
      recordArray.free();
    }
  }

  /**
   * Why a sink with {@code chain} (keyed with {@code keyId}, or unkeyed when null) must not chain after
   * {@code head}, or null when it may: the rules of the file sink's last line.
   */
  public static String headProblem(Head head, AuditChain chain, String keyId) {
    AuditChain.Parts parts = AuditChain.split(head.record());
    JsonNode node;
    try {
      node = parts == null ? null : AuditChain.parse(head.record());
    } catch (IOException e) {
      node = null;
    }
    if (node == null || node.path("seq").asLong(-1) != head.seq()) {
      return "is not a Leasehold audit record of that sequence number";
    }
    if (!parts.hash().equals(chain.hashOf(parts.signed()))) {
      return "does not match its hash (it was edited)";
    }
    String headKeyId = node.path("keyId").isTextual() ? node.get("keyId").asText() : null;
    if (keyId == null && (parts.mac() != null || headKeyId != null)) {
      return "is keyed (key id " + headKeyId + ") and this sink has no key; give every broker the fleet's audit key";
    }
    if (keyId != null && parts.mac() == null) {
      return "was written without a key and this sink has one; a chain is keyed or unkeyed from its first record";
    }
    if (keyId != null && !keyId.equals(headKeyId)) {
      return "is sealed with another key (key id " + headKeyId + ", this sink's key id " + keyId + "); give every "
          + "broker the fleet's audit key";
    }
    if (keyId != null && !MessageDigest.isEqual(parts.mac().getBytes(StandardCharsets.US_ASCII),
        chain.macOf(parts.signed()).getBytes(StandardCharsets.US_ASCII))) {
      return "has a MAC that does not verify with this key (it was forged or edited)";
    }
    return null;
  }
}
