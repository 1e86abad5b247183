/**
 * Test support: {@link dev.leasehold.approval.testing.FakeApprover}, a scripted approval channel for unit
 * tests. It is deliberately not registered with {@link java.util.ServiceLoader}, so production code can
 * only get one by constructing it in plain sight.
 */
package dev.leasehold.approval.testing;
