import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { checkpointsFileOf, ledgerVerifyCommand } from '../../../cli/commands/ledger.js';
import { checkpointObjects } from '../../../lambdas/core/evidence/audit-stores.js';
import { spkiToPem } from '../../../lambdas/core/evidence/pem.js';
import { exportLines } from '../../../lambdas/core/ledger/export-lines.js';
import { canonicalJson, chainEntry, leafHash, merkleRoot } from '../../../lambdas/core/ledger/index.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { installed } from '../../support/installed.js';
import { appendFiller } from '../pipeline/helpers/filler-entry.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { rechain } from './helpers/signed-ledger.js';

/** The Python check docs/LEDGER.md shows for an export, exactly as the Markdown holds it. */
function mthRecipeText(): string {
  const doc = readFileSync(join(process.cwd(), 'docs', 'LEDGER.md'), 'utf8');
  const shown = doc.match(/```python\n(# python3 mth\.py [\s\S]*?)```/)?.[1];
  if (shown === undefined) throw new Error('docs/LEDGER.md shows no mth.py');
  return shown;
}

/**
 * An honest export as SignCheckpoint leaves it (seven intents, interval checkpoints every 8 entries), then
 * thirty-two edits an attacker holding the files but not the key can make. Every one must exit non-zero: 1 when a
 * fault is found, 3 when the chain holds but entries are left that no signed checkpoint vouches for.
 */
const STEPS = [
  'intent.declared',
  'structure.validated',
  'admission.admitted',
  'verification.passed',
  'release.started',
  'observation.recorded',
  'intent.concluded',
];

interface Exported {
  entries: StoredEntry[];
  /** The lines of `EXPORT.checkpoints.jsonl`, or undefined when the file is not there. */
  checkpoints: string[] | undefined;
}

/** 1: a fault is named (tampered); 3: the chain holds but entries trail every signed checkpoint (unanchored). */
type Verdict = 1 | 3;
type Mutation = [name: string, mutate: (honest: Exported) => Exported, exit: Verdict];

const clone = (entries: readonly StoredEntry[]) => structuredClone(entries) as StoredEntry[];
const seqsOf = (entries: readonly StoredEntry[], type: string) =>
  entries.filter((s) => s.entry.type === type).map((s) => s.entry.seq);
const lastSeqOf = (entries: readonly StoredEntry[], type: string) => seqsOf(entries, type).at(-1)!;

/** Edits the payload of the entry at `seq` and recomputes every hash from there, as one without the key can. */
function editAndRechain(
  entries: readonly StoredEntry[],
  seq: number,
  // biome-ignore lint/suspicious/noExplicitAny: an attacker's edit reaches into untyped payload JSON
  edit: (payload: Record<string, any>) => void,
) {
  const out = clone(entries);
  edit(out[seq]!.entry.payload);
  return rechain(out, seq);
}

/** Appends entries chained to the last one, with a correct prevHash. */
function forgeAppend(entries: readonly StoredEntry[], ...types: string[]): StoredEntry[] {
  const out = clone(entries);
  for (const type of types) {
    const last = out.at(-1)!;
    const payload =
      type === 'review.approved'
        ? { decision: 'approved', reviewer: 'mallory', decidedAt: last.entry.timestamp }
        : { forged: true };
    out.push(
      chainEntry(
        last.entry.ledger,
        {
          intentId: last.entry.intentId,
          type,
          idempotencyKey: `forged/${type}`,
          timestamp: last.entry.timestamp,
          payload,
        },
        last,
      ),
    );
  }
  return out;
}

const withFile = (mutate: (entries: StoredEntry[]) => StoredEntry[]) => (honest: Exported) => ({
  entries: mutate(clone(honest.entries)),
  checkpoints: honest.checkpoints,
});
const withoutFile = (mutate: (entries: StoredEntry[]) => StoredEntry[]) => (honest: Exported) => ({
  entries: mutate(clone(honest.entries)),
  checkpoints: undefined,
});
const checkpointsEdited = (edit: (lines: string[]) => string[]) => (honest: Exported) => ({
  entries: honest.entries,
  checkpoints: edit([...honest.checkpoints!]),
});
const sizeOf = (line: string) => (JSON.parse(line) as { checkpoint: { size: number } }).checkpoint.size;

const mutations: Mutation[] = [
  // The tail, with the evidence store's checkpoints beside the export.
  ['the last checkpoint.signed deleted', withFile((e) => e.slice(0, -1)), 1],
  ['the last two entries deleted', withFile((e) => e.slice(0, -2)), 1],
  [
    "the last checkpoint.signed's uri edited and re-hashed",
    withFile((e) =>
      editAndRechain(e, lastSeqOf(e, 'checkpoint.signed'), (p) => (p.uri = 'memory://elsewhere')),
    ),
    1,
  ],
  [
    "the last checkpoint.signed's bundle digest edited and re-hashed",
    withFile((e) =>
      editAndRechain(e, lastSeqOf(e, 'checkpoint.signed'), (p) => (p.bundle.manifestSha256 = '0'.repeat(64))),
    ),
    1,
  ],
  [
    "the last intent's conclusion edited and re-hashed",
    withFile((e) => editAndRechain(e, lastSeqOf(e, 'intent.concluded'), (p) => (p.outcome = 'released'))),
    1,
  ],
  [
    'a forged review.approved appended with a correct prevHash',
    withFile((e) => forgeAppend(e, 'review.approved')),
    3,
  ],
  [
    'a forged intent appended with a correct chain',
    withFile((e) => forgeAppend(e, 'intent.declared', 'admission.admitted', 'intent.concluded')),
    3,
  ],
  [
    'the last checkpoint.signed replayed at the end',
    withFile((e) => rechain([...e, clone([e.at(-1)!])[0]!], e.length)),
    3,
  ],
  ['5 entries truncated', withFile((e) => e.slice(0, -5)), 1],
  ['50 entries truncated', withFile((e) => e.slice(0, -50)), 1],
  ['an empty export', withFile(() => []), 1],
  ['the last line cut in half', withFile((e) => e), 1],
  // The checkpoints file.
  ['the newest checkpoint object deleted', checkpointsEdited((lines) => lines.slice(0, -1)), 3],
  ['a middle checkpoint object deleted', checkpointsEdited((lines) => lines.filter((_, i) => i !== 3)), 1],
  [
    "a middle checkpoint object replaced with another's bytes",
    checkpointsEdited((lines) => lines.map((line, i) => (i === 3 ? lines[2]! : line))),
    1,
  ],
  // The middle.
  [
    'a flipped byte in a middle entry',
    withFile((e) => {
      e[20]!.entry.payload = { ...e[20]!.entry.payload, n: 999 };
      return e;
    }),
    1,
  ],
  [
    'a middle entry edited and every hash after it recomputed',
    withFile((e) => editAndRechain(e, 20, (p) => (p.n = 999))),
    1,
  ],
  ['a middle entry deleted', withFile((e) => e.filter((_, i) => i !== 20)), 1],
  [
    'a middle entry deleted and the chain recomputed',
    withFile((e) =>
      rechain(
        e.filter((_, i) => i !== 20),
        20,
      ),
    ),
    1,
  ],
  ['two middle entries swapped', withFile((e) => [...e.slice(0, 20), e[21]!, e[20]!, ...e.slice(22)]), 1],
  [
    'a forged entry inserted in the middle and the chain recomputed',
    withFile((e) =>
      rechain(
        [...e.slice(0, 20), forgeAppend(e.slice(0, 20), 'review.approved').at(-1)!, ...e.slice(20)],
        20,
      ),
    ),
    1,
  ],
  ['an entry line duplicated', withFile((e) => [...e.slice(0, 21), e[20]!, ...e.slice(21)]), 1],
  [
    "a middle entry edited and re-hashed, and each checkpoint's unsigned copy given the new roots",
    (honest) => {
      const entries = editAndRechain(honest.entries, 20, (p) => (p.n = 999));
      const leaves = entries.map((s) => s.hash);
      const checkpoints = honest.checkpoints!.map((line) => {
        const stored = JSON.parse(line) as { checkpoint: { size: number; rootHash: string } };
        stored.checkpoint.rootHash = merkleRoot(leaves.slice(0, stored.checkpoint.size));
        return canonicalJson(stored);
      });
      return { entries, checkpoints };
    },
    1,
  ],
  [
    'an entry appended with a wrong seq and a zero prevHash, its own hash right',
    withFile((e) => {
      const forged = forgeAppend(e, 'review.approved').at(-1)!;
      const entry = { ...forged.entry, seq: 7, prevHash: '0'.repeat(64) };
      return [...e, { entry, hash: leafHash(entry) }];
    }),
    1,
  ],
  [
    "an in-ledger checkpoint's root edited, not re-signed",
    withFile((e) => {
      const seq = seqsOf(e, 'checkpoint.signed')[2]!;
      (e[seq]!.entry.payload as { checkpoint: { rootHash: string } }).checkpoint.rootHash = 'f'.repeat(64);
      return rechain(e, seq);
    }),
    1,
  ],
  [
    'every checkpoint.signed dropped and the chain recomputed',
    withFile((e) =>
      rechain(
        e.filter((s) => s.entry.type !== 'checkpoint.signed'),
        0,
      ),
    ),
    1,
  ],
  // Without the checkpoints file: the chain may hold, but nothing vouches for the tail.
  ['without checkpoints: the last checkpoint.signed deleted', withoutFile((e) => e.slice(0, -1)), 3],
  ['without checkpoints: 5 entries truncated', withoutFile((e) => e.slice(0, -5)), 3],
  ['without checkpoints: 50 entries truncated', withoutFile((e) => e.slice(0, -50)), 3],
  [
    'without checkpoints: every checkpoint.signed dropped and the chain recomputed',
    withoutFile((e) =>
      rechain(
        e.filter((s) => s.entry.type !== 'checkpoint.signed'),
        0,
      ),
    ),
    3,
  ],
  ['without checkpoints: an empty export', withoutFile(() => []), 3],
  [
    'without checkpoints: a forged review.approved appended',
    withoutFile((e) => forgeAppend(e, 'review.approved')),
    3,
  ],
];

describe('thirty-two mutations of an honest export', () => {
  let honest: Exported;
  let dir: string;
  let keyFile: string;
  const printed: string[] = [];

  beforeAll(async () => {
    const h = pipelineHarness();
    for (let i = 0; i < 7; i++) {
      const intentId = `int-${i}`;
      for (const [n, type] of STEPS.entries()) {
        h.clock.advance(1000);
        await appendFiller(h.deps, intentId, type, { n });
      }
      h.clock.advance(1000);
      await signCheckpoint(intentId, h.deps, { interval: 8 });
    }
    honest = {
      entries: await h.ledger.read(h.deps.ledgerName),
      checkpoints: (await checkpointObjects(h.deps.evidence, h.deps.ledgerName)).map((c) =>
        canonicalJson(c.value),
      ),
    };
    dir = mkdtempSync(join(tmpdir(), 'itv-mutations-'));
    keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, spkiToPem(await h.deps.publicKey()));
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  let written = 0;
  /** The export's files: the entries, and the checkpoints beside them when it has them. */
  function writeExport(exported: Exported, cutLastLine = false): string {
    const file = join(dir, `export-${written++}.jsonl`);
    let text = exportLines(exported.entries);
    if (cutLastLine) text = text.slice(0, text.length - Math.floor(text.split('\n').at(-2)!.length / 2) - 1);
    writeFileSync(file, text);
    if (exported.checkpoints)
      writeFileSync(checkpointsFileOf(file), exported.checkpoints.map((l) => `${l}\n`).join(''));
    return file;
  }
  async function verify(exported: Exported, cutLastLine = false): Promise<{ code: number; output: string }> {
    const file = writeExport(exported, cutLastLine);
    printed.length = 0;
    const code = await ledgerVerifyCommand({ file, publicKey: keyFile });
    return { code, output: printed.join('\n') };
  }

  test('the honest export exits 0: every entry, the last checkpoint.signed included, is covered', async () => {
    const { code, output } = await verify(honest);
    expect(honest.entries.length).toBeGreaterThanOrEqual(56);
    expect(output).toContain(`ledger intact: ${honest.entries.length} entries`);
    expect(code).toBe(0);
  });

  test('there are thirty-two of them', () => {
    expect(mutations.length).toBe(32);
    expect(new Set(mutations.map(([name]) => name)).size).toBe(32);
  });

  test.each(mutations)('%s: exits %s', async (name, mutate, exit) => {
    // Prepare
    const exported = mutate(honest);
    // Act
    const { code, output } = await verify(exported, name === 'the last line cut in half');
    // Assess
    expect(`exit ${code}: ${output}`).toMatch(
      new RegExp(`^exit ${exit}: ledger ${exit === 1 ? 'TAMPERED' : 'UNANCHORED'}`),
    );
  });

  /** docs/LEDGER.md's Python check of an export, run as the doc shows it: its exit status and what it printed. */
  function mthRecipe(exported: Exported, cutLastLine = false): { status: number | null; stdout: string } {
    const file = writeExport(exported, cutLastLine);
    const script = join(dir, 'mth.py');
    writeFileSync(script, mthRecipeText());
    const args = exported.checkpoints ? [script, file, checkpointsFileOf(file)] : [script, file];
    const run = spawnSync('python3', args, { encoding: 'utf8' });
    return { status: run.status, stdout: `${run.stdout}${run.stderr}` };
  }

  if (installed('python3')) {
    test("docs/LEDGER.md's Python check passes the honest export (exit 0)", () => {
      const run = mthRecipe(honest);
      expect(run.stdout).toContain(`${honest.entries.length} entries, root `);
      expect(run.status).toBe(0);
    });

    test.each(mutations)(
      "docs/LEDGER.md's Python check exits as itv ledger verify does: %s",
      (name, mutate, exit) => {
        const run = mthRecipe(mutate(honest), name === 'the last line cut in half');
        expect(`exit ${run.status}: ${run.stdout}`).toMatch(new RegExp(`^exit ${exit}: `));
      },
    );
  } else {
    console.info(
      "test/unit/evidence/export-mutations.test.ts: python3 is not installed, docs/LEDGER.md's Python check is not run",
    );
  }

  test('the checkpoints are chained: each names its predecessor by size and digest', () => {
    const sizes = honest.checkpoints!.map(sizeOf);
    const linked = honest.checkpoints!.map(
      (line) =>
        (JSON.parse(line) as { checkpoint: { previous?: { size: number } } }).checkpoint.previous?.size,
    );
    expect(linked[0]).toBeUndefined();
    expect(linked.slice(1)).toEqual(sizes.slice(0, -1));
  });
});
