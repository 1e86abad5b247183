/**
 * IAM policy documents as values: statements, principals and conditions, read and written as real IAM
 * JSON, evaluated locally with IAM's order (explicit deny, then allow, else implicit deny), rendered from
 * the catalog and linted against the safe-agent rules.
 */
package dev.leasehold.policy;
