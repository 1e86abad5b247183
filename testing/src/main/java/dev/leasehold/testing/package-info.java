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
 * </ul>
 *
 * <p>No main Leasehold jar depends on this package.
 */
package dev.leasehold.testing;
