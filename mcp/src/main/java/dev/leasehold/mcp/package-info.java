/**
 * The Leasehold MCP server ({@link dev.leasehold.mcp.LeaseholdMcpServer}): AWS access for any Model Context
 * Protocol client through human-approved, intent-narrowed leases, with no credential in the model's context.
 */
package dev.leasehold.mcp;
