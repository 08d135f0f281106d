import { InvalidInputError } from '../errors.js';
import { isPossibleIntentId, onlyDotsReason } from '../intent-id-syntax.js';

/** The signed manifest: a DSSE envelope over an in-toto Statement v1 naming every other file. */
export const MANIFEST_FILE = 'manifest.intoto.json';
/** The signed checkpoint (tree head) that covers the bundled entries: `{ checkpoint, envelope }`. */
export const CHECKPOINT_FILE = 'checkpoint.json';
/**
 * The intent's ledger entries, one RFC 8785 `{ "entry", "hash", "proof" }` a line (the export format plus the
 * RFC 9162 inclusion proof against the checkpoint), so each entry's exact bytes can be cut out with sed.
 */
export const ENTRIES_FILE = 'ledger-entries.jsonl';
/**
 * How the store keeps every file but the manifest: one POSIX ustar archive (`tar -xf bundle.tar`), so a bundle
 * is two objects and the checkpoint pinned before it (see bundle-archive.ts).
 */
export const ARCHIVE_FILE = 'bundle.tar';
/** The public key that signed everything, SPKI in PEM. */
export const PUBLIC_KEY_FILE = 'public-key.pem';

/** The evidence store's folder of every bundle: `bundles/<intent id>/`. */
export const BUNDLES_FOLDER = 'bundles/';
/** The evidence store's folder of Observe's telemetry snapshots: `snapshots/<intent id>/<sha256>.json`. */
export const SNAPSHOTS_FOLDER = 'snapshots/';

/** The evidence store folder of one intent's bundle. */
export function bundlePrefix(intentId: string): string {
  // The intent ids' own rule, so no id the API takes is one the store cannot keep (nor the reverse).
  if (!isPossibleIntentId(intentId)) {
    throw new InvalidInputError(`intent id "${intentId}" cannot name a bundle`, [
      {
        path: 'intentId',
        message: `must be 1 to 256 of A-Z a-z 0-9 . _ : - and ${onlyDotsReason.replace('must ', '')}`,
      },
    ]);
  }
  return `${BUNDLES_FOLDER}${intentId}/`;
}

export function bundleKey(intentId: string, file: string): string {
  return `${bundlePrefix(intentId)}${file}`;
}
