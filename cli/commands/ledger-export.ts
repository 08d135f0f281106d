import { createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { EvidenceIntegrityError } from '../../lambdas/core/errors.js';
import { canonicalJson } from '../../lambdas/core/ledger/index.js';
import type { LedgerDownload } from '../api/ledger-download.js';
import { writeNamedFile } from '../output-file.js';

/** The checkpoints that go beside an export: `EXPORT.checkpoints.jsonl`, one signed checkpoint a line. */
export const checkpointsFileOf = (exportFile: string) => `${exportFile}.checkpoints.jsonl`;

/**
 * Writes a downloaded ledger as `itv ledger export --out FILE` leaves it: the export, its public key
 * (`FILE.pub.pem`) and the signed checkpoints (`FILE.checkpoints.jsonl`), each only where nothing is, all three
 * or none. A checkpoint object the store could not serve as written is refused (EvidenceIntegrityError naming
 * its key) before anything is written: written out as `null`, it would read as a checkpoint that fails to verify.
 */
export function writeLedgerExport(download: LedgerDownload, out: string): void {
  const damaged = download.checkpoints.find((checkpoint) => checkpoint.damage !== undefined);
  if (damaged?.damage !== undefined) {
    throw new EvidenceIntegrityError(`the ledger is not exported: ${damaged.damage}`, {
      ...(damaged.key !== undefined ? { key: damaged.key } : {}),
    });
  }
  const files: Array<[string, string | Uint8Array]> = [
    [out, download.lines],
    // Re-encoded by node:crypto, so the file reads the same whichever PEM layout the API served.
    [`${out}.pub.pem`, createPublicKey(download.publicKeyPem).export({ type: 'spki', format: 'pem' })],
    [checkpointsFileOf(out), download.checkpoints.map(({ value }) => `${canonicalJson(value)}\n`).join('')],
  ];
  const written: string[] = [];
  try {
    for (const [file, data] of files) {
      // 'wx': written only where nothing is (an export racing this one included).
      writeNamedFile(file, data, '--out', { flag: 'wx' });
      written.push(file);
    }
  } catch (error) {
    // An export without its key or checkpoints is not one to keep: only what this one wrote is removed.
    for (const file of written) rmSync(file, { force: true });
    throw error;
  }
}
