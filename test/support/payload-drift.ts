import { ledgerPayloadSchema } from '../../lambdas/core/ledger/entry-payloads.js';
import type { StoredEntry } from '../../lambdas/ports/ledger-store.js';

/**
 * Every entry whose payload is not what its type's writer schema declares, one line each (seq, type, the
 * first field at fault): empty when the writers and `ledgerPayloads` agree.
 */
export function payloadDrift(entries: readonly StoredEntry[]): string[] {
  return entries.flatMap(({ entry }) => {
    const schema = ledgerPayloadSchema(entry.type);
    if (!schema) return [`${entry.seq} ${entry.type}: no schema declares this type`];
    const parsed = schema.safeParse(entry.payload);
    if (parsed.success) return [];
    const issue = parsed.error.issues[0]!;
    return [`${entry.seq} ${entry.type}: ${issue.path.join('.') || '(root)'}: ${issue.message}`];
  });
}
