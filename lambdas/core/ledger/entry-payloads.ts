import * as z from 'zod';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { LedgerIntegrityError } from '../errors.js';

/**
 * What readers take from the payloads of ledger entries, as zod schemas: a reader parses the entry it reads
 * (`payloadOf`) instead of asserting a shape, so an entry that does not hold what it should is an error that
 * names the entry, the type and the field, not a silent `undefined`. Each schema lists the fields readers use
 * and lets the others through: the writers record more.
 */

const nullableNumber = z.number().nullable();

export const releasePlanPayload = z.object({
  onRegression: z.enum(['rollback', 'freeze', 'roll-forward']),
  onPolicyBreach: z.enum(['stop', 'freeze']),
  rollbackOnAlarm: z.boolean(),
  reason: z.string(),
});

/** `release.started`: the deployment a retried StartRelease picks up, and the strategy it was given. */
export const releaseStartedPayload = z.looseObject({
  deploymentId: z.string(),
  strategy: z.string(),
  pollSeconds: z.number().int().positive(),
  plan: releasePlanPayload.optional(),
  confidence: z.number().optional(),
});

/** `intent.declared`: the intent as declared; status and reports read its title and service. */
export const intentDeclaredPayload = z.looseObject({
  intent: z.looseObject({
    title: z.string().optional(),
    change: z.looseObject({ service: z.string().optional() }).optional(),
  }),
});

/** `intent.concluded`: the outcome and the value figures Learn recorded. Older entries may lack some. */
export const intentConcludedPayload = z.looseObject({
  outcome: z.string(),
  service: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  tier: nullableNumber.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  timeToValueSeconds: nullableNumber.optional(),
  valuePerHourUsd: z.number().optional(),
  costOfDelayUsd: z.number().optional(),
});

/** `admission.*`: the risk tier the admission computed. */
export const admissionPayload = z.looseObject({ tier: z.number().int().optional() });

/**
 * `checkpoint.signed` and `decision.*` as an auditor opens them: untrusted, so each part is kept as it is
 * and checked by whoever verifies it.
 */
export const signedPayload = z.looseObject({
  checkpoint: z.unknown().optional(),
  envelope: z.unknown().optional(),
  digest: z.unknown().optional(),
});

/** The entry's payload as `schema` reads it; throws `LedgerIntegrityError` naming the entry and the field. */
export function payloadOf<S extends z.ZodType>(entry: LedgerEntry, schema: S): z.infer<S> {
  const parsed = schema.safeParse(entry.payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new LedgerIntegrityError(
    `ledger entry ${entry.seq} (${entry.type}) of intent ${entry.intentId}: payload field "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is malformed'}`,
    entry.seq,
  );
}
