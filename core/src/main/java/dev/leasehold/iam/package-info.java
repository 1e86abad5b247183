/**
 * IAM tooling for operators: {@link dev.leasehold.iam.AccountVerifier} checks a live account against a
 * catalog before an agent is pointed at it (the pre-deploy checklist), {@link dev.leasehold.iam.LocalVerifier}
 * checks the machine the agent runs on, and {@link dev.leasehold.iam.SessionRevoker} ends every live session
 * of a role. Each talks to IAM through an {@code IamClient} the caller builds and closes.
 */
package dev.leasehold.iam;
