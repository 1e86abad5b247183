package dev.leasehold;

/**
 * The Leasehold broker could not be reached, or it went away while a request was waiting: it is not
 * running, it was stopped or killed, or the network between agent and broker failed. No lease was handed
 * out by this call. Check that the broker runs (and its URL and client token), then ask again; an approval
 * that was in flight is not carried over, so the human is asked again.
 */
public class BrokerUnavailableException extends LeaseholdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do; no secrets (never the client token)
   * @param cause the underlying failure, or null
   */
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
