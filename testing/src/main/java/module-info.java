/**
 * Test support for code that uses Leasehold: a scripted approver, a clock tests move by hand, STS and S3
 * stand-ins speaking the real wire formats, and a local PostgreSQL server. Nothing here registers itself with
 * {@link java.util.ServiceLoader}, so production code cannot pick it up by name.
 */
module dev.leasehold.testing {
  requires transitive dev.leasehold.approval;
  requires jdk.httpserver;

  exports dev.leasehold.testing;
}
