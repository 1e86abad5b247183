package dev.leasehold.fleet.postgres;

import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for the audit table: events to record and what the table holds, read as the superuser. */
final class AuditRows {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  private AuditRows() {}

  /** A guarded call's event, numbered so that rows can be told apart. */
  static AuditEvent call(int n) {
    return AuditEvent.builder(AuditEventType.CALL_ALLOWED, T0.plusMillis(n)).requestId("req-" + n).agent("hermes")
        .roleKey("s3-deploy").roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
        .intent(List.of("s3:GetObject")).action("s3:GetObject").outcome("ok").build();
  }

  /** The record texts in seq order. */
  static List<String> records(String url) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT record FROM leasehold.audit_records ORDER BY seq")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** One number from {@code sql}. */
  static long number(String url, String sql) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs {@code sql} as the superuser. */
  static void exec(String url, String sql) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
