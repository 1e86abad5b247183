/**
 * The console approval channel: a human approves or denies an agent's role request on a terminal.
 *
 * <p>Use {@link dev.leasehold.approval.console.ConsoleApprovalChannel#onTerminal()} for the controlling
 * terminal, {@link dev.leasehold.approval.console.ConsoleApprovalChannel#builder()} for piped streams, or
 * {@code ApprovalChannels.load("console", config)}. Everything else in this package is package-private
 * implementation.
 */
package dev.leasehold.approval.console;
