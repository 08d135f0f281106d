import * as z from 'zod';
import type { EvidenceFile } from './evidence-files.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** itv's predicate: what the bundle attests about the intent and the tree head its entries are proven in. */
export const BUNDLE_PREDICATE_TYPE = 'https://itv.dev/attestations/evidence-bundle/v1';

export const bundlePredicateSchema = z.object({
  intentId: z.string().min(1),
  ledger: z.string().min(1),
  outcome: z.string().nullable(),
  keyid: z.string().regex(/^[0-9a-f]{64}$/),
  checkpoint: z.object({
    size: z.number().int().nonnegative(),
    rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** Sequence numbers of the bundled entries. */
  entries: z.array(z.number().int().nonnegative()),
});

export type BundlePredicate = z.infer<typeof bundlePredicateSchema>;

export const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z
    .array(
      z.object({ name: z.string().min(1), digest: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) }),
    )
    .min(1),
  predicateType: z.literal(BUNDLE_PREDICATE_TYPE),
  predicate: bundlePredicateSchema,
});

export type BundleStatement = z.infer<typeof statementSchema>;

/** The in-toto Statement v1 over the bundle's files (sorted by name), with itv's predicate. */
export function bundleStatement(files: readonly EvidenceFile[], predicate: BundlePredicate): BundleStatement {
  const subject = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((file) => ({ name: file.name, digest: { sha256: file.sha256 } }));
  return { _type: STATEMENT_TYPE, subject, predicateType: BUNDLE_PREDICATE_TYPE, predicate };
}
