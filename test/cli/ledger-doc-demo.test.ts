import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * docs/LEDGER.md prints the leaf hash of line 2 of the demo's export under a given clock start, for a reader to
 * compare with what openssl prints on their own run: it must be what the demo writes today.
 */
describe("docs/LEDGER.md's demo example", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-ledger-doc-'));
  });
  afterEach(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'line 2 of the export of `itv demo` on the clock start it names hashes as the document prints',
    async () => {
      // Prepare: the clock start and the hash the document names.
      const doc = readFileSync(join(root, 'docs', 'LEDGER.md'), 'utf8');
      const section = doc.slice(doc.indexOf('on the export of `itv demo` run with'));
      const clockStart = /ITV_CLOCK_START=(\S+?)`/.exec(section)?.[1];
      const printed = /\n([0-9a-f]{64})\n\$ sed -n 2p ledger\.jsonl/.exec(section)?.[1];
      expect([clockStart, printed]).toEqual([expect.any(String), expect.any(String)]);

      // Act
      const env = { env: { ITV_CLOCK_START: clockStart } };
      const demo = await runItv(home, ['demo'], env);
      const exported = await runItv(home, ['ledger', 'export'], env);

      // Assess
      expect(demo.code).toBe(0);
      const [, second, third] = exported.stdout
        .split('\n')
        .map((line) => (line ? JSON.parse(line) : undefined));
      expect(second.entry.seq).toBe(1);
      expect(second.hash).toBe(printed);
      expect(third.entry.prevHash).toBe(printed);
    },
    setupMs * 4,
  );
});
