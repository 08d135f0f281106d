import { ItvError } from '../../lambdas/core/errors.js';
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
