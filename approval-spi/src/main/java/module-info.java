/**
 * The approval channel SPI: what a channel is given ({@link dev.leasehold.approval.ApprovalRequest}), what it
 * answers ({@link dev.leasehold.approval.Decision}), and how channels are found by name
 * ({@link dev.leasehold.approval.ApprovalChannels}, through {@link java.util.ServiceLoader}). A channel module
 * {@code provides dev.leasehold.approval.ApprovalChannelProvider}; this module has no dependencies of its own.
 */
module dev.leasehold.approval {
  exports dev.leasehold.approval;

  uses dev.leasehold.approval.ApprovalChannelProvider;
}
