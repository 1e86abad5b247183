package dev.leasehold.fleet.postgres.internal;

import dev.leasehold.approval.Decision;
import dev.leasehold.fleet.CooldownKey;
import dev.leasehold.fleet.GuardRailStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The guard rails in PostgreSQL. The prompt limit is a sliding window of rows in {@code leasehold.prompts}, taken
 * in one transaction under an advisory lock of the (agent, role), so that two brokers racing for the last slot
 * serialise and exactly one gets it; the cool-down is an upsert into {@code leasehold.denials} keyed by an HMAC of
 * (agent, role, intent).
 */
public final class PostgresGuardRails implements GuardRailStore {
  private final Db db;
  private final Macs macs;
  private final Clock clock;
  private final String brokerId;

  public PostgresGuardRails(Db db, Macs macs, Clock clock, String brokerId) {
    this.db = db;
    this.macs = macs;
    this.clock = clock;
    this.brokerId = brokerId;
  }

  @Override
  public boolean tryTakePrompt(String agent, String roleKey, int limit, Duration window) {
    return db.tx("take an approval prompt for role '" + roleKey + "'", c -> {
      Instant now = clock.instant();
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "leasehold.prompts|" + agent.length() + ":" + agent + "|" + roleKey);
        lock.execute();
      }
      try (PreparedStatement del = c.prepareStatement(
          "DELETE FROM leasehold.prompts WHERE agent = ? AND role_key = ? AND expires_at <= ?")) {
        del.setString(1, agent);
        del.setString(2, roleKey);
        del.setTimestamp(3, Db.ts(now));
        del.executeUpdate();
      }
      int taken;
      try (PreparedStatement count = c.prepareStatement(
          "SELECT count(*) FROM leasehold.prompts WHERE agent = ? AND role_key = ? AND expires_at > ?")) {
        count.setString(1, agent);
        count.setString(2, roleKey);
        count.setTimestamp(3, Db.ts(now));
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          taken = rs.getInt(1);
        }
      }
      if (taken >= limit) {
        return false;
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO leasehold.prompts (agent, role_key, broker_id, "
          + "taken_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
        ins.setString(1, agent);
        ins.setString(2, roleKey);
        ins.setString(3, brokerId);
        ins.setTimestamp(4, Db.ts(now));
        ins.setTimestamp(5, Db.ts(now.plus(window)));
        ins.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public Optional<Decision.Denied> recentDenial(CooldownKey key) {
    return db.tx("read the denial cool-down of role '" + key.roleKey() + "'", c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT request_id, approver, note FROM leasehold.denials "
          + "WHERE key_digest = ? AND expires_at > ?")) {
        st.setString(1, digest(key));
        st.setTimestamp(2, Db.ts(clock.instant()));
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(new Decision.Denied(rs.getString(1), rs.getString(2), rs.getString(3)))
              : Optional.<Decision.Denied>empty();
        }
      }
    });
  }

  @Override
  public void rememberDenial(CooldownKey key, Decision.Denied denied, Duration cooldown) {
    if (cooldown.isZero() || cooldown.isNegative()) {
      return;
    }
    db.tx("remember the denial of request " + denied.requestId(), c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO leasehold.denials (key_digest, agent, role_key, "
          + "request_id, approver, note, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_digest) DO UPDATE "
          + "SET request_id = EXCLUDED.request_id, approver = EXCLUDED.approver, note = EXCLUDED.note, "
          + "expires_at = EXCLUDED.expires_at")) {
        st.setString(1, digest(key));
        st.setString(2, key.agent());
        st.setString(3, key.roleKey());
        st.setString(4, denied.requestId());
        st.setString(5, denied.approver());
        st.setString(6, denied.note());
        st.setTimestamp(7, Db.ts(clock.instant().plus(cooldown)));
        st.executeUpdate();
      }
      return null;
    });
  }

  private String digest(CooldownKey key) {
    return macs.digest("cooldown", key.canonical());
  }
}
