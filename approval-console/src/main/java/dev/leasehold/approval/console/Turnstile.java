package dev.leasehold.approval.console;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * A fair, first-come first-served turn at the terminal, whose waiters can give up.
 *
 * <p>A {@code ReentrantLock(true)} is fair only while its waiters wait in one go; a waiter that wakes up
 * to look at a (possibly fake) clock and waits again would lose its place. Here a waiter keeps its place
 * while it re-checks {@code giveUp} every {@link ConsoleIo#POLL_MILLIS}.
 *
 * <p>Thread-safe.
 */
final class Turnstile {

  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean busy;

  /**
   * Waits for this caller's turn.
   *
   * @param giveUp polled while waiting; when it turns true the caller leaves the queue
   * @return true when it is the caller's turn (call {@link #leave()} afterwards); false when it gave up
   * @throws InterruptedException when interrupted while waiting (the caller has left the queue)
   */
  synchronized boolean enter(BooleanSupplier giveUp) throws InterruptedException {
    Object me = new Object();
    waiting.addLast(me);
    try {
      while (busy || waiting.peekFirst() != me) {
        if (giveUp.getAsBoolean()) {
          return false;
        }
        wait(ConsoleIo.POLL_MILLIS);
      }
      busy = true;
      return true;
    } finally {
      waiting.remove(me);
      notifyAll();
    }
  }

  /** Ends the current turn; the longest waiter goes next. */
  synchronized void leave() {
    busy = false;
    notifyAll();
  }

  /** How many callers wait for a turn. */
  synchronized int waiting() {
    return waiting.size();
  }
}
