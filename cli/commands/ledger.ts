import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LedgerAudit } from '../../lambdas/core/evidence/audit-ledger.js';
import { auditStores, checkpointObjects } from '../../lambdas/core/evidence/audit-stores.js';
import { auditExport } from '../../lambdas/core/evidence/export-audit.js';
import { canonicalJson } from '../../lambdas/core/ledger/index.js';
import type { StoredEntry } from '../../lambdas/ports/ledger-store.js';
import { withSession } from '../session.js';

/** The export format: JSON Lines, one `{ "entry": …, "hash": … }` a line in RFC 8785 form, in seq order. */
export function exportLines(entries: readonly StoredEntry[]): string {
  return entries.map((stored) => `${canonicalJson({ entry: stored.entry, hash: stored.hash })}\n`).join('');
}

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
  return withSession({}, async ({ stack }) => {
    const { deps } = stack;
    const audit = await auditStores({
      ledger: deps.ledger,
      evidence: deps.evidence,
      ledgerName: deps.ledgerName,
      publicKeySpkiDer: await deps.publicKey(),
    });
    return printAudit(audit, options.json ?? false);
  });
}

export async function ledgerExportCommand(options: { out?: string }): Promise<number> {
  return withSession({}, async ({ stack }) => {
    const entries = await stack.deps.ledger.read(stack.deps.ledgerName);
    const lines = exportLines(entries);
    if (!options.out) {
      process.stdout.write(lines);
      return 0;
    }
    writeFileSync(options.out, lines);
    const pem = createPublicKey({
      key: Buffer.from(await stack.deps.publicKey()),
      format: 'der',
      type: 'spki',
    }).export({
      type: 'spki',
      format: 'pem',
    });
    writeFileSync(`${options.out}.pub.pem`, pem);
    const checkpoints = await checkpointObjects(stack.deps.evidence, stack.deps.ledgerName);
    writeFileSync(
      checkpointsFileOf(options.out),
      checkpoints.map(({ value }) => `${canonicalJson(value)}\n`).join(''),
    );
    console.error(
      `wrote ${entries.length} entries to ${options.out}, the public key to ${options.out}.pub.pem and ${checkpoints.length} signed checkpoints to ${checkpointsFileOf(options.out)}`,
    );
    return 0;
  });
}
