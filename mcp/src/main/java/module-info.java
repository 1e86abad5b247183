/**
 * The Leasehold MCP server: {@link dev.leasehold.mcp.LeaseholdMcpServer} offers leases to MCP clients as
 * tools, with the same approval, narrowing and audit as every other way in.
 */
module dev.leasehold.mcp {
  requires transitive dev.leasehold.core;
  requires dev.leasehold.broker;
  requires com.fasterxml.jackson.databind;
  requires io.modelcontextprotocol.sdk.mcp.core;
  requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
  requires org.slf4j;

  exports dev.leasehold.mcp;
}
