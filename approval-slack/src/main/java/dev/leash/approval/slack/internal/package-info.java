/**
 * Implementation of the Slack approval channel: not an API, may change in any release. Its classes are
 * public only where {@code dev.leash.approval.slack} needs them.
 */
package dev.leash.approval.slack.internal;
