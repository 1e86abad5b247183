package dev.leasehold;

import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;

/**
 * An approved lease on one catalog role: the only way an agent gets AWS credentials or clients.
 *
 * <p>The rules: the lease ends at {@link #expiresAt()} and is never refreshed silently (a new lease
 * needs a new approval); after expiry or {@link #close()} the credentials refuse to resolve and every
 * client it built is closed. Clients from {@link #client(AwsClientBuilder)} carry a guard that checks
 * every call against the declared intent and the role's catalog permissions, counts it against the
 * session's call budget, audits it, and refuses out-of-scope calls before they leave the process.
 *
 * <p>Credentials never appear in {@code toString()}. Thread-safe. Sessions are shared between callers
 * that asked for the same task, so close a session only when the task is done; closing the
 * {@link AwsSessionFactory} closes all of them.
 */
public interface AgentSession extends AutoCloseable {

  /** The session id, equal to the id of the approved request (it appears in the audit trail and the STS session tags). */
  String id();

  /** The catalog role key. */
  String roleKey();

  /** The assumed role's ARN. */
  String roleArn();

  /** Who approved the lease. */
  String approver();

  /** The declared intent (IAM actions); empty when the session is scoped by the role alone. */
  List<String> intent();

  /** When the lease ends. */
  Instant expiresAt();

  /** Whether the lease is still usable: not closed and not expired. */
  boolean isOpen();

  /**
   * Hands the lease's credentials out <em>unguarded</em>, for what a guarded client cannot do (a presigner,
   * another SDK, a subprocess), and writes a {@code credentials-exported} audit record with
   * {@code reason}. Whatever is done with them is bounded only by the session policy STS attached to the
   * lease (the declared intent, or the role's whole scope when none was declared): no call is checked
   * against the catalog, counted or audited. Prefer {@link #client(AwsClientBuilder)}.
   *
   * <p>The provider throws {@link SessionExpiredException} once the session has expired or been closed.
   *
   * @param reason why the lease leaves the guard, under the same rules as a request's reason
   * @return a provider serving this lease
   * @throws InvalidRequestException when the reason is missing or vague (nothing is exported)
   * @throws SessionExpiredException when the session has expired or been closed
   * @throws AuditFailureException when the export could not be audited (nothing is exported)
   */
  AwsCredentialsProvider exportCredentials(String reason);

  /**
   * Builds (once per client builder type) an SDK client bound to this lease, with the guard interceptor.
   * Leasehold sets the builder's credentials (the lease's) and region (the factory's; use
   * {@link #client(AwsClientBuilder, Region)} for another); other settings (endpoint, HTTP client,
   * override configuration) are kept, and the guard is added to the builder's interceptors. Once the
   * client is built, the builder gets its own override configuration back and a credentials provider that
   * refuses to resolve: the builder you keep never builds a client with the lease. A second
   * call with a builder of the same type returns the cached client, whatever that builder's settings:
   * configure it the same way each time. Cached clients are closed with the session: do not close them.
   *
   * @param builder a fresh SDK client builder, such as {@code S3Client.builder()}
   * @param <B> the builder type
   * @param <C> the client type
   * @return the guarded client
   * @throws SessionExpiredException when the session has expired or been closed
   */
  <B extends AwsClientBuilder<B, C>, C extends SdkClient> C client(B builder);

  /**
   * Like {@link #client(AwsClientBuilder)}, for another region: one cached client per builder type and
   * region.
   *
   * @param builder a fresh SDK client builder
   * @param region the region the client calls
   * @param <B> the builder type
   * @param <C> the client type
   * @return the guarded client
   * @throws SessionExpiredException when the session has expired or been closed
   */
  <B extends AwsClientBuilder<B, C>, C extends SdkClient> C client(B builder, Region region);

  /** Ends the lease now: credentials stop resolving, clients are closed, the audit trail records it. Idempotent. */
  @Override
  void close();
}
