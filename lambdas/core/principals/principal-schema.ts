import * as z from 'zod';
import { iamIdentitySchema } from './iam-identity.js';

/**
 * Catalog principals: the people and automation that act on itv. Everything that names who may do what —
 * service owners, team members, reviewers of record, legal contacts, delegations, emergency authority —
 * refers to a principal by its `id`; the principal says how it authenticates.
 */

/** A principal id: short, stable, lower-case (`alice`, `ci-growth`); e-mails and ARNs are attributes, not ids. */
export const principalIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a principal id: lower-case letters, digits, ".", "_" or "-"');

/**
 * An EventBridge `source` a CI role may put intents under. AWS reserves the `aws.` prefix for its own
 * services; the rest is free text up to 256 characters, which itv limits to a dotted name.
 */
export const eventSourceSchema = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a dotted name such as itv.ci.growth')
  .refine((source) => !source.startsWith('aws.'), 'must not start with "aws." (reserved for AWS services)');

export const principalSchema = z
  .object({
    id: principalIdSchema,
    /** Display name, as people see it in reviews, reports and the console. */
    name: z.string().min(1).max(200),
    /** Matched case-insensitively when a request names the principal by e-mail. */
    email: z
      .string()
      .max(254)
      .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address such as alice@example.com')
      .optional(),
    /** People are accountable themselves; automation acts only under the delegations people give it. */
    kind: z.enum(['person', 'automation']).default('person'),
    /** The IAM identities it calls the API with (see `iam-identity.ts` for the matching rules). */
    identities: z.array(iamIdentitySchema).default([]),
    /** Automation only: the EventBridge source its identities may put intents under, and no other. */
    eventSource: eventSourceSchema.optional(),
  })
  .strict()
  .refine((p) => p.eventSource === undefined || p.kind === 'automation', {
    message: 'only an automation principal may emit intents on the event bus',
    path: ['eventSource'],
  })
  .refine((p) => p.eventSource === undefined || p.identities.length > 0, {
    message: 'an event source needs the IAM identities (CI roles) allowed to put events under it',
    path: ['identities'],
  });

/** The longest reason a delegation records. */
export const delegationReasonMaxLength = 500;

/**
 * A recorded delegation: `from` lets `to` act with `role` on `services` until `expiresAt`. Recorded in the
 * catalog (reviewed like any code change), never taken from a request: an intent may cite one, not create it.
 */
export const recordedDelegationSchema = z
  .object({
    from: principalIdSchema,
    to: principalIdSchema,
    role: z.string().min(1).max(128),
    services: z.array(z.string().min(1).max(128)).min(1),
    expiresAt: z.iso.datetime({
      offset: true,
      error: (issue) =>
        `must be an ISO 8601 instant with a time and an offset, such as 2026-11-20T17:00:00Z, not ${JSON.stringify(String(issue.input).slice(0, 60))}`,
    }),
    reason: z.string().min(1).max(delegationReasonMaxLength).optional(),
  })
  .strict()
  .refine((d) => d.from !== d.to, { message: 'a principal cannot delegate to itself', path: ['to'] });

export type Principal = z.infer<typeof principalSchema>;
export type PrincipalInput = z.input<typeof principalSchema>;
export type RecordedDelegation = z.infer<typeof recordedDelegationSchema>;
export type RecordedDelegationInput = z.input<typeof recordedDelegationSchema>;
