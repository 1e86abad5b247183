package dev.leasehold.fleet;

import dev.leasehold.approval.Decision;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the guard rails around the human keep their state: the prompt rate limit per (agent, role) and the
 * cool-down after a denial per (agent, role, intent). The rules an implementation keeps:
 *
 * <ul>
 *   <li>{@link #tryTakePrompt} is atomic for every user of the store: of any number of concurrent callers for
 *       the last free slot exactly one gets it (no read-then-write race);</li>
 *   <li>a prompt counts for {@code window} after it was taken, a denial for {@code cooldown} after it was
 *       remembered; then both are forgotten;</li>
 *   <li>when the state cannot be read or written it throws {@link dev.leasehold.FleetUnavailableException}
 *       (the caller then asks nobody), never answers "allowed" or "no denial" by default.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public interface GuardRailStore {
  /**
   * Takes one prompt of (agent, role) if fewer than {@code limit} were taken in the last {@code window}.
   *
   * @return true when taken; false when the limit is reached
   * @throws dev.leasehold.FleetUnavailableException when the state cannot be read or written
   */
  boolean tryTakePrompt(String agent, String roleKey, int limit, Duration window);

  /**
   * The denial of {@code key} still in its cool-down, if any.
   *
   * @throws dev.leasehold.FleetUnavailableException when the state cannot be read
   */
  Optional<Decision.Denied> recentDenial(CooldownKey key);

  /**
   * Remembers a denial so that {@code key} is refused without asking for {@code cooldown}.
   *
   * @throws dev.leasehold.FleetUnavailableException when the state cannot be written
   */
  void rememberDenial(CooldownKey key, Decision.Denied denied, Duration cooldown);
}
