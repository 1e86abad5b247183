/**
 * The approval SPI: how Leash asks a human before any AWS role is assumed.
 *
 * <p>Leash builds an {@link dev.leash.approval.ApprovalRequest} for every lease an agent asks for and
 * hands it to exactly one {@link dev.leash.approval.ApprovalChannel}. The channel shows the request to a
 * human and returns a {@link dev.leash.approval.Decision}: approved (with the MFA code the human typed),
 * denied, or expired. A channel never approves by itself.
 *
 * <p>Channels are plugged in as {@link dev.leash.approval.ApprovalChannelProvider}s registered in
 * {@code META-INF/services/dev.leash.approval.ApprovalChannelProvider} and chosen by name through
 * {@link dev.leash.approval.ApprovalChannels#load(String, java.util.Map)}. This module depends on
 * nothing but the JDK, so a channel implementation never needs Leash's core.
 */
package dev.leash.approval;
