/**
 * Test support for code that uses Leasehold, shipped apart from the main jars (add
 * {@code leasehold-testing} with {@code <scope>test</scope>}), the way OkHttp ships MockWebServer apart
 * from OkHttp.
 *
 * <ul>
 *   <li>{@link dev.leasehold.testing.FakeApprover}: a scripted approval channel. It is deliberately not
 *       registered with {@link java.util.ServiceLoader}, so production code can only get one by
 *       constructing it in plain sight.
 *   <li>{@link dev.leasehold.testing.MutableClock}: a clock a test moves by hand instead of sleeping.
 *   <li>{@link dev.leasehold.testing.LocalPostgres}: a throw-away PostgreSQL server on loopback.
 *   <li>{@link dev.leasehold.testing.AwsStandIn}: STS and S3 on loopback in their real wire formats, recording
 *       what reached them; {@link dev.leasehold.testing.AwsWire} gives the same bodies to a WireMock stub.
 * </ul>
 *
 * <p>No main Leasehold library jar depends on this package; the command line's {@code leasehold demo} runs
 * {@link dev.leasehold.testing.AwsStandIn} (and only that class and {@code AwsWire} are shaded into its jar).
 */
package dev.leasehold.testing;
