/**
 * The role catalog: the single source of truth for what an agent may ever do. Each role is a narrow,
 * purpose-scoped IAM role the agent can assume only with a human's approval; its permissions mirror the
 * role's IAM permission policy, so Leasehold can refuse out-of-scope requests before a human is asked.
 */
package dev.leasehold.catalog;
