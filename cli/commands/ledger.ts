import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson, parseStoredEntry } from '../../lambdas/core/ledger/index.js';
import { auditLedger, type LedgerAudit } from '../../lambdas/core/pipeline/audit.js';
import type { StoredEntry } from '../../lambdas/ports/ledger-store.js';
import { withSession } from '../session.js';

/** The export format: JSON Lines, one `{ "entry": …, "hash": … }` a line in RFC 8785 form, in seq order. */
export function exportLines(entries: readonly StoredEntry[]): string {
  return entries.map((stored) => `${canonicalJson({ entry: stored.entry, hash: stored.hash })}\n`).join('');
}

function parseExport(file: string): StoredEntry[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    try {
      return parseStoredEntry(JSON.parse(line));
    } catch (error) {
      throw new Error(`${file} line ${index + 1}: ${(error as Error).message}`);
    }
  });
}

function spkiFromPem(file: string): Uint8Array {
  return new Uint8Array(createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'der' }));
}

function printAudit(audit: LedgerAudit, json: boolean): number {
  if (json) console.log(JSON.stringify(audit, null, 2));
  else if (audit.ok) {
    console.log(
      `ledger intact: ${audit.size} entries, root ${audit.rootHash}, ${audit.checkpoints} checkpoints and ${audit.decisions} decisions verified`,
    );
  } else console.log(`ledger TAMPERED: first bad entry seq ${audit.seq}: ${audit.reason}`);
  return audit.ok ? 0 : 1;
}

export async function ledgerVerifyCommand(options: {
  json?: boolean;
  file?: string;
  publicKey?: string;
}): Promise<number> {
  if (options.file) {
    if (!options.publicKey) {
      console.error('--file needs --public-key PEM: offline verification trusts only the key you give it');
      return 1;
    }
    return printAudit(
      auditLedger(parseExport(options.file), spkiFromPem(options.publicKey)),
      options.json ?? false,
    );
  }
  return withSession({}, async ({ stack }) => {
    const entries = await stack.deps.ledger.read(stack.deps.ledgerName);
    return printAudit(auditLedger(entries, await stack.deps.publicKey()), options.json ?? false);
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
    console.error(
      `wrote ${entries.length} entries to ${options.out} and the public key to ${options.out}.pub.pem`,
    );
    return 0;
  });
}
