import { draft04, toDraft04 } from './draft-04-validator.js';
import type { FeatureFlagDocument } from './feature-flag-document.js';

/**
 * The configuration of one exposure step (`stepped-exposure.ts`): the change for `percentage` % of users, what
 * served before for the others. Users are chosen by a consistent hash of their id, so those exposed at 20 %
 * stay exposed at 40 %, and a hold keeps the same users on the change.
 */

/** AppConfig's variant rule for a share of users ("Understanding multi-variant feature flag rules", split). */
export function splitRule(percentage: number): string {
  return `(split by::$userId pct::${percentage})`;
}

/** The variant names itv writes: the change, and AppConfig's default variant (last, without a rule). */
export const exposedVariant = 'itv-exposed';
export const defaultVariant = 'default';

/**
 * A feature-flag document that exposes `next` to `percentage` % of users: each flag the change sets gets two
 * variants, the change under a split rule and the flag's earlier value as the default variant (a flag itv has
 * not released before defaults to disabled). At 100 % the document is `next` itself.
 */
export function featureFlagExposure(
  next: FeatureFlagDocument,
  previous: FeatureFlagDocument['values'] | undefined,
  percentage: number,
): FeatureFlagDocument {
  if (percentage >= 100) return next;
  const values: FeatureFlagDocument['values'] = {};
  for (const [flag, value] of Object.entries(next.values)) {
    const before = previous?.[flag] ?? { enabled: false };
    const { enabled, ...attributeValues } = value;
    const { enabled: enabledBefore, ...attributesBefore } = before;
    values[flag] = {
      ...before,
      _variants: [
        { name: exposedVariant, enabled, rule: splitRule(percentage), attributeValues },
        { name: defaultVariant, enabled: enabledBefore, attributeValues: attributesBefore },
      ],
    } as unknown as FeatureFlagDocument['values'][string];
  }
  return { ...next, values };
}

/** itv's exposure envelope for a freeform profile, documented in docs/RELEASE.md. */
export interface ExposureEnvelope {
  itvExposure: { percentage: number; by: 'userId'; intentId: string };
  /** The configuration for exposed users. */
  next: Record<string, unknown>;
  /** What served before for everyone else; null when itv has released nothing to the profile yet. */
  previous: Record<string, unknown> | null;
}

/**
 * A freeform configuration that exposes `next` to `percentage` % of users. AppConfig has no split for freeform
 * data, so the application selects with `exposedConfiguration`; at 100 % the configuration is `next` itself.
 */
export function freeformExposure(
  next: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  percentage: number,
  intentId: string,
): Record<string, unknown> {
  if (percentage >= 100) return next;
  const envelope: ExposureEnvelope = {
    itvExposure: { percentage, by: 'userId', intentId },
    next,
    previous: previous ?? null,
  };
  return { ...envelope };
}

/**
 * The configuration a user sees under an envelope: `next` when the user's bucket (FNV-1a of the user id, 0–99)
 * is below the percentage, else `previous`. Stable per user, so raising the percentage only adds users.
 */
export function exposedConfiguration(
  configuration: Record<string, unknown>,
  userId: string,
): Record<string, unknown> | null {
  const envelope = configuration as Partial<ExposureEnvelope>;
  if (!envelope.itvExposure) return configuration;
  return userBucket(userId) < envelope.itvExposure.percentage
    ? (envelope.next ?? null)
    : (envelope.previous ?? null);
}

/** FNV-1a 32-bit of the user id, modulo 100. */
export function userBucket(userId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(userId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/**
 * The JSON Schema a freeform profile's validator holds its configurations to: the contract itself, or an
 * exposure envelope whose `next` meets the contract and whose `previous` meets it or is null. AppConfig checks
 * every hosted version against it, so a step of a stepped release passes the same validator as a plain one.
 * Written in draft-04, as AppConfig's JSON Schema validators are: the draft-07 contract is translated
 * (`toDraft04`), and one draft-04 cannot express throws `Draft04TranslationError`.
 */
export function contractOrEnvelopeSchema(contract: Record<string, unknown>): Record<string, unknown> {
  const schema = toDraft04(contract);
  const envelope = {
    type: 'object',
    required: ['itvExposure', 'next', 'previous'],
    additionalProperties: false,
    properties: {
      itvExposure: {
        type: 'object',
        required: ['percentage', 'by', 'intentId'],
        additionalProperties: false,
        properties: {
          // JSON Schema draft-04, the draft AppConfig's validators are written in: boolean exclusive bounds.
          percentage: {
            type: 'number',
            minimum: 0,
            exclusiveMinimum: true,
            maximum: 100,
            exclusiveMaximum: true,
          },
          by: { enum: ['userId'] },
          intentId: { type: 'string', minLength: 1 },
        },
      },
      next: schema,
      previous: { anyOf: [schema, { type: 'null' }] },
    },
  };
  return { $schema: draft04, anyOf: [schema, envelope] };
}
