/**
 * The approval SPI: how Leasehold asks a human before any AWS role is assumed.
 *
 * <p>Leasehold builds an {@link dev.leasehold.approval.ApprovalRequest} for every lease an agent asks for and
 * hands it to exactly one {@link dev.leasehold.approval.ApprovalChannel}. The channel shows the request to a
 * human and returns a {@link dev.leasehold.approval.Decision}: approved (with the MFA code the human typed),
 * denied, or expired. A channel never approves by itself.
 *
 * <p>Channels are plugged in as {@link dev.leasehold.approval.ApprovalChannelProvider}s registered in
 * {@code META-INF/services/dev.leasehold.approval.ApprovalChannelProvider} and chosen by name through
 * {@link dev.leasehold.approval.ApprovalChannels#load(String, java.util.Map)}. This module depends on
 * nothing but the JDK, so a channel implementation never needs Leasehold's core.
 *
 * <p>When several processes (the brokers of a fleet) share one channel whose transport may deliver a human's
 * answer to any of them, a {@link dev.leasehold.approval.DecisionRelay} carries the decision to the process that
 * asked; {@link dev.leasehold.approval.DecisionRelay#none()} is the default.
 */
package dev.leasehold.approval;
