import { ItvError } from '../../lambdas/core/errors.js';
import { checkRecordedBundle, recordedBundleOf } from '../../lambdas/core/evidence/recorded-bundle.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { type ApiGet, getJson } from './api-get.js';

/** A bundle file name as the store keeps it: flat, no path, nothing hidden. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * An intent's evidence bundle through `GET /intents/{id}/evidence`: file name → bytes. Nothing is trusted:
 * a name that could leave the bundle folder is refused here, and the bytes are for `verifyBundle` to judge.
 */
export async function downloadBundle(get: ApiGet, intentId: string): Promise<Map<string, Uint8Array>> {
  const answer = await getJson<{ files: Record<string, string> }>(
    get,
    `/intents/${encodeURIComponent(intentId)}/evidence`,
  );
  const files = new Map<string, Uint8Array>();
  for (const [name, base64] of Object.entries(answer.files ?? {})) {
    if (!FILE_NAME.test(name)) throw new ItvError(`the API served a bundle file named "${name}"`);
    files.set(name, new Uint8Array(Buffer.from(base64, 'base64')));
  }
  return files;
}

/**
 * An intent's bundle through the API, refused (EvidenceIntegrityError) unless it is the one the intent's ledger
 * entries (`GET /intents/{id}?include=entries`) recorded when it was sealed: a bundle is signed, so another
 * intent's served in its place would verify on its own. What `itv evidence pull` and the console read.
 */
export async function downloadRecordedBundle(
  get: ApiGet,
  intentId: string,
): Promise<Map<string, Uint8Array>> {
  const files = await downloadBundle(get, intentId);
  const intent = await getJson<{ entries?: LedgerEntry[] }>(
    get,
    `/intents/${encodeURIComponent(intentId)}?include=entries`,
  );
  checkRecordedBundle(intentId, files, recordedBundleOf(intentId, intent.entries ?? []));
  return files;
}
