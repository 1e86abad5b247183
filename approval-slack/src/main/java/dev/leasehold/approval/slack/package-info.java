/**
 * Slack approvals for Leasehold: {@link dev.leasehold.approval.slack.SlackApprovalChannel}, and its
 * {@link java.util.ServiceLoader} provider named {@code slack}.
 *
 * <p>Approval requests are posted to one channel with Block Kit; approvers answer with buttons and a
 * modal; the answers arrive over Socket Mode, so the agent's runtime needs no public endpoint. Everything
 * in {@code dev.leasehold.approval.slack.internal} is implementation that users must not touch.
 */
package dev.leasehold.approval.slack;
