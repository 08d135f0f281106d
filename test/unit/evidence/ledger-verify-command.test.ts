import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { checkpointsFileOf, ledgerVerifyCommand } from '../../../cli/commands/ledger.js';
import { spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { canonicalJson } from '../../../lambdas/core/ledger/index.js';
import { exportOf, type SignedLedger, signedLedger } from './helpers/signed-ledger.js';
import { tampers } from './helpers/tampers.js';

/** `itv ledger verify --file EXPORT --public-key PEM` on what a malicious store exported. */
describe('itv ledger verify --file, against tampered exports', () => {
  let ledger: SignedLedger;
  let dir: string;
  const printed: string[] = [];
  beforeAll(async () => {
    ledger = await signedLedger(5);
    dir = mkdtempSync(join(tmpdir(), 'itv-verify-'));
    writeFileSync(join(dir, 'key.pem'), spkiToPem(ledger.publicKey));
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  async function verifyFiles(
    name: string,
    entries: SignedLedger['entries'],
    objects: SignedLedger['objects'],
  ) {
    const file = join(dir, `${name.replaceAll(/\W+/g, '-')}.jsonl`);
    writeFileSync(file, exportOf(entries));
    writeFileSync(checkpointsFileOf(file), objects.map((o) => `${canonicalJson(o.value)}\n`).join(''));
    printed.length = 0;
    const code = await ledgerVerifyCommand({ file, publicKey: join(dir, 'key.pem') });
    return { code, output: printed.join('\n') };
  }

  test('an honest export exits 0', async () => {
    const { code, output } = await verifyFiles('honest', ledger.entries, ledger.objects);
    expect(code).toBe(0);
    expect(output).toContain('ledger intact: 35 entries');
  });

  test.each(tampers)('$name: exits 1 naming the first bad entry', async (tamper) => {
    // Prepare
    const { entries, objects } = await tamper.apply(ledger);
    // Act
    const { code, output } = await verifyFiles(tamper.name, entries, objects);
    // Assess
    expect(code).toBe(1);
    expect(output).toContain(`first bad entry seq ${tamper.expected.seq} (${tamper.expected.fault})`);
  });

  test('--file without --public-key refuses to trust anything', async () => {
    expect(await ledgerVerifyCommand({ file: join(dir, 'honest.jsonl') })).toBe(1);
  });
});
