/**
 * Implementation of the MCP server: command parsing and checks, IAM action mapping, the AWS CLI runner, output
 * redaction and the tools. Not a public API: it may change in any release.
 */
package dev.leasehold.mcp.internal;
