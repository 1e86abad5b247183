/**
 * The {@code console} approval channel: asks the human at the controlling terminal, outside the agent's
 * standard streams. Found by name through {@link java.util.ServiceLoader}; its one public type is the provider.
 */
module dev.leasehold.approval.console {
  requires transitive dev.leasehold.approval;
  requires org.jline;

  exports dev.leasehold.approval.console;

  provides dev.leasehold.approval.ApprovalChannelProvider
      with dev.leasehold.approval.console.ConsoleApprovalChannelProvider;
}
