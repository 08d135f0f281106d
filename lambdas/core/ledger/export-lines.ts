import type { StoredEntry } from '../../ports/ledger-store.js';
import { canonicalJson } from './canonical-json.js';

/**
 * One line of a ledger export: the RFC 8785 text of `{ "entry": …, "hash": … }` and a newline. The offline
 * verifier (`auditExport`) and the openssl recipe in docs/ read exactly these bytes.
 */
export function exportLine(stored: StoredEntry): string {
  return `${canonicalJson({ entry: stored.entry, hash: stored.hash })}\n`;
}

/** The export format: JSON Lines, one `{ "entry": …, "hash": … }` a line in RFC 8785 form, in seq order. */
export function exportLines(entries: readonly StoredEntry[]): string {
  return entries.map(exportLine).join('');
}
