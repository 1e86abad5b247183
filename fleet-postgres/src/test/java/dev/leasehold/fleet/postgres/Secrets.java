package dev.leasehold.fleet.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Scans every table of the fleet schema for planted secrets, in clear and as bytea hex. */
final class Secrets {
  private Secrets() {}

  /** Each "table: secret" found; empty when the database holds none of them. */
  static List<String> foundIn(String url, String... secrets) throws SQLException {
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, List<String>> table : rows(url).entrySet()) {
      for (String row : table.getValue()) {
        for (String secret : secrets) {
          String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
          if (row.contains(secret) || row.contains(hex)) {
            found.add(table.getKey() + ": " + secret);
          }
        }
      }
    }
    return found;
  }

  /** Every row of every table of the fleet schema, as JSON text (bytea as hex), by table name. */
  static Map<String, List<String>> rows(String url) throws SQLException {
    Map<String, List<String>> rows = new TreeMap<>();
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
          + "WHERE table_schema = 'leasehold'")) {
        while (rs.next()) {
          rows.put(rs.getString(1), new ArrayList<>());
        }
      }
      for (Map.Entry<String, List<String>> table : rows.entrySet()) {
        try (ResultSet rs = st.executeQuery("SELECT row_to_json(t)::text FROM leasehold." + table.getKey() + " t")) {
          while (rs.next()) {
            table.getValue().add(rs.getString(1));
          }
        }
      }
    }
    return rows;
  }

  /** The number of rows in {@code leasehold.table}. */
  static int count(String url, String table) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM leasehold." + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
