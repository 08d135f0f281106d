import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerDownload } from '../../../cli/api/ledger-download.js';
import { writeLedgerExport } from '../../../cli/commands/ledger-export.js';
import { EvidenceIntegrityError } from '../../../lambdas/core/errors.js';

const publicKeyPem = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
`;
const damaged =
  'evidence object checkpoints/main/000000000064.json was changed after it was written: its SHA-256 is ab…, not cd…';

const downloadWith = (checkpoints: LedgerDownload['checkpoints']): LedgerDownload => ({
  lines: Buffer.from('{"entry":{}}\n'),
  entries: 1,
  checkpoints,
  publicKeyPem,
});

/** `itv ledger export --out FILE`: the export, its key and its checkpoints, all three or none. */
describe('writing a ledger export', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-ledger-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a sound download: the export, its public key and one checkpoint a line', () => {
    // Act
    writeLedgerExport(
      downloadWith([{ value: { checkpoint: { size: 64 } }, source: 'k', key: 'k' }]),
      join(dir, 'l.jsonl'),
    );

    // Assess
    expect(readdirSync(dir).sort()).toEqual(['l.jsonl', 'l.jsonl.checkpoints.jsonl', 'l.jsonl.pub.pem']);
  });

  test('a checkpoint object the store cannot serve as written: refused naming its key, nothing written', () => {
    // Prepare
    const key = 'checkpoints/main/000000000064.json';
    const download = downloadWith([
      { value: { checkpoint: { size: 32 } }, source: 'checkpoints/main/000000000032.json' },
      { value: null, source: key, key, damage: damaged },
    ]);

    // Act
    const act = () => writeLedgerExport(download, join(dir, 'l.jsonl'));

    // Assess
    expect(act).toThrow(EvidenceIntegrityError);
    expect(act).toThrow(`the ledger is not exported: ${damaged}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a file already where one goes: refused, and what this export wrote before it is removed', () => {
    // Prepare
    const out = join(dir, 'l.jsonl');
    writeFileSync(`${out}.checkpoints.jsonl`, 'an earlier witness\n');

    // Act
    const act = () => writeLedgerExport(downloadWith([]), out);

    // Assess
    expect(act).toThrow(/l\.jsonl\.checkpoints\.jsonl/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.pub.pem`)).toBe(false);
    expect(readdirSync(dir)).toEqual(['l.jsonl.checkpoints.jsonl']);
  });
});
