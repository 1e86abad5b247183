/**
 * Implementation of the Slack approval channel: not an API, may change in any release. Its classes are
 * public only where {@code dev.leasehold.approval.slack} needs them.
 */
package dev.leasehold.approval.slack.internal;
