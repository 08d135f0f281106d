import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LedgerAudit } from '../../lambdas/core/evidence/audit-ledger.js';
import { auditExport } from '../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../lambdas/core/evidence/pem.js';
import { canonicalJson } from '../../lambdas/core/ledger/index.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { ApiAnswerError } from '../api/api-get.js';
import { downloadLedger, type LedgerDownload } from '../api/ledger-download.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';

export { exportLines } from '../../lambdas/core/ledger/export-lines.js';

/** The checkpoints that go beside an export: `EXPORT.checkpoints.jsonl`, one signed checkpoint a line. */
export const checkpointsFileOf = (exportFile: string) => `${exportFile}.checkpoints.jsonl`;

function readCheckpointsFile(file: string): Array<{ value: unknown; source: string }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line, source: `${file} line ${index + 1}` }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, source }) => {
      try {
        return { value: JSON.parse(line) as unknown, source };
      } catch {
        return { value: null, source };
      }
    });
}

export function spkiFromPem(file: string): Uint8Array {
  return new Uint8Array(createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'der' }));
}

/** One line (or JSON) naming the verdict; exit code 0 intact, 1 tampered. */
export function printAudit(audit: LedgerAudit, json: boolean): number {
  if (json) console.log(JSON.stringify(audit, null, 2));
  else if (audit.ok) {
    console.log(
      `ledger intact: ${audit.size} entries, root ${audit.rootHash}, ${audit.decisions} decisions and ${audit.checkpoints} signed checkpoints verified, ${audit.consistencyProofs} consistency proofs between them`,
    );
  } else console.log(`ledger TAMPERED: first bad entry seq ${audit.seq} (${audit.fault}): ${audit.reason}`);
  return audit.ok ? 0 : 1;
}

export async function ledgerVerifyCommand(options: {
  json?: boolean;
  file?: string;
  publicKey?: string;
  checkpoints?: string;
}): Promise<number> {
  if (options.file) {
    if (!options.publicKey) {
      console.error('--file needs --public-key PEM: offline verification trusts only the key you give it');
      return 1;
    }
    const beside = checkpointsFileOf(options.file);
    const checkpointsFile = options.checkpoints ?? (existsSync(beside) ? beside : undefined);
    if (!checkpointsFile && !options.json) {
      console.error(
        `no ${beside}: without the evidence store's checkpoints a truncated export cannot be told apart`,
      );
    }
    const checkpoints = checkpointsFile ? readCheckpointsFile(checkpointsFile) : [];
    const audit = auditExport(readFileSync(options.file), spkiFromPem(options.publicKey), { checkpoints });
    return printAudit(audit, options.json ?? false);
  }
  // Online: the export and the checkpoints come through the API, and are audited here, by the client.
  return withLedger(async (download) => {
    const key = options.publicKey ? spkiFromPem(options.publicKey) : pemToSpki(download.publicKeyPem);
    const audit = auditExport(download.lines, key, { checkpoints: download.checkpoints });
    return printAudit(audit, options.json ?? false);
  });
}

export async function ledgerExportCommand(options: { out?: string }): Promise<number> {
  return withLedger(async (download) => {
    if (!options.out) {
      process.stdout.write(download.lines);
      return 0;
    }
    writeFileSync(options.out, download.lines);
    // Re-encoded by node:crypto, so the file reads the same whichever PEM layout the API served.
    writeFileSync(
      `${options.out}.pub.pem`,
      createPublicKey(download.publicKeyPem).export({ type: 'spki', format: 'pem' }),
    );
    writeFileSync(
      checkpointsFileOf(options.out),
      download.checkpoints.map(({ value }) => `${canonicalJson(value)}\n`).join(''),
    );
    console.error(
      `wrote ${download.entries} entries to ${options.out}, the public key to ${options.out}.pub.pem and ${download.checkpoints.length} signed checkpoints to ${checkpointsFileOf(options.out)}`,
    );
    return 0;
  });
}

/** The ledger through `GET /ledger` and `GET /ledger/checkpoints` of the home's control plane. */
async function withLedger(work: (download: LedgerDownload) => Promise<number>): Promise<number> {
  const client = await controlPlane(itvHome());
  let download: LedgerDownload;
  try {
    download = await downloadLedger((path) => client.text(path));
  } catch (error) {
    if (error instanceof ApiAnswerError) return printApiError(error.answer);
    throw error;
  }
  return work(download);
}
