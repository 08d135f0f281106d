import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { checkpointOf } from '../../../lambdas/core/ledger/index.js';
import { auditLedger } from '../../../lambdas/core/pipeline/audit.js';
import { signCheckpoint } from '../../../lambdas/core/signing/index.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { exportOf, rechain, type SignedLedger, signedLedger, signer } from './helpers/signed-ledger.js';

type Objects = SignedLedger['objects'];
interface Tamper {
  name: string;
  /** Returns the ledger a malicious store would serve, and the evidence store's checkpoints. */
  apply(
    ledger: SignedLedger,
  ): Promise<{ entries: StoredEntry[]; objects: Objects }> | { entries: StoredEntry[]; objects: Objects };
  expected: { fault: string; seq: number };
}

const clone = (entries: readonly StoredEntry[]) => structuredClone(entries) as StoredEntry[];
const withNote = (stored: StoredEntry, note: string): StoredEntry => ({
  ...stored,
  entry: { ...stored.entry, payload: { ...stored.entry.payload, note } },
});

// Intent i occupies seq 7i..7i+6; its checkpoint entry is seq 7i+6 over the 7i+6 entries before it. The
// evidence store holds checkpoints at sizes 8, 16, 24, … and at every intent's end.
const tampers: Tamper[] = [
  {
    name: 'a flipped byte in an entry',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      out[9] = withNote(out[9]!, 'déjà vu € 2');
      return { entries: out, objects };
    },
    expected: { fault: 'hash-mismatch', seq: 9 },
  },
  {
    name: 'a flipped byte in a stored hash',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      out[9]!.hash = `${out[9]!.hash.slice(0, 63)}${out[9]!.hash.endsWith('0') ? '1' : '0'}`;
      return { entries: out, objects };
    },
    expected: { fault: 'hash-mismatch', seq: 9 },
  },
  {
    name: 'a deleted entry',
    apply: ({ entries, objects }) => ({ entries: entries.filter((_, i) => i !== 9), objects }),
    expected: { fault: 'seq-gap', seq: 9 },
  },
  {
    name: 'two swapped entries',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      [out[9], out[10]] = [out[10]!, out[9]!];
      return { entries: out, objects };
    },
    expected: { fault: 'seq-gap', seq: 9 },
  },
  {
    name: 'two entries swapped with their seq numbers rewritten',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      [out[9], out[10]] = [out[10]!, out[9]!];
      out[9]!.entry.seq = 9;
      out[10]!.entry.seq = 10;
      return { entries: out, objects };
    },
    expected: { fault: 'hash-mismatch', seq: 9 },
  },
  {
    name: 'an entry moved to the end',
    apply: ({ entries, objects }) => ({
      entries: [...entries.filter((_, i) => i !== 9), entries[9]!],
      objects,
    }),
    expected: { fault: 'seq-gap', seq: 9 },
  },
  {
    name: 'a second version of one seq served beside the first',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      out.splice(10, 0, withNote(out[9]!, 'another view'));
      return { entries: out, objects };
    },
    expected: { fault: 'seq-duplicate', seq: 10 },
  },
  {
    name: 'a truncated ledger, caught by the evidence store',
    apply: ({ entries, objects }) => ({ entries: entries.slice(0, entries.length - 5), objects }),
    expected: { fault: 'truncated', seq: 30 },
  },
  {
    name: 'an edit with the chain recomputed without the key',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      out[9] = withNote(out[9]!, 'rewritten');
      return { entries: rechain(out, 9), objects };
    },
    expected: { fault: 'checkpoint-mismatch', seq: 8 },
  },
  {
    name: 'an edit, rechained, with the in-ledger checkpoints rewritten to the new roots',
    apply: ({ entries }) => {
      const out = clone(entries);
      out[9] = withNote(out[9]!, 'rewritten');
      let forged = rechain(out, 9);
      for (const [i, stored] of forged.entries()) {
        if (stored.entry.type !== 'checkpoint.signed' || i < 9) continue;
        const payload = stored.entry.payload as { checkpoint: { size: number; timestamp: string } };
        const roots = forged.slice(0, payload.checkpoint.size).map((s) => s.hash);
        stored.entry.payload = {
          ...payload,
          checkpoint: checkpointOf('main', roots, payload.checkpoint.timestamp),
        };
        forged = rechain(forged, i);
      }
      return { entries: forged, objects: [] };
    },
    expected: { fault: 'bad-signature', seq: 13 },
  },
  {
    name: 'an edit, rechained, with every in-ledger checkpoint dropped',
    apply: ({ entries, objects }) => {
      const out = clone(entries);
      out[9] = withNote(out[9]!, 'rewritten');
      const kept = out.filter((s, i) => i < 9 || s.entry.type !== 'checkpoint.signed');
      return { entries: rechain(kept, 9), objects };
    },
    expected: { fault: 'checkpoint-mismatch', seq: 8 },
  },
  {
    name: 'two signed tree heads of one size that disagree',
    apply: async ({ entries, objects }) => {
      const other = clone(entries);
      other[17] = withNote(other[17]!, 'the view shown to someone else');
      const forkRoot = checkpointOf(
        'main',
        rechain(other, 17)
          .slice(0, 24)
          .map((s) => s.hash),
        '2026-11-02T10:00:00.000Z',
      );
      const envelope = await signCheckpoint(forkRoot, signer);
      return {
        entries,
        objects: [...objects, { value: { checkpoint: forkRoot, envelope }, source: 'fork' }],
      };
    },
    expected: { fault: 'fork', seq: 20 },
  },
];

describe('auditing a ledger against a malicious store', () => {
  let ledger: SignedLedger;
  beforeAll(async () => {
    ledger = await signedLedger(5);
  });

  test('an intact ledger verifies: chain, decisions, every checkpoint and the proofs between them', () => {
    // Act
    const audit = auditLedger(ledger.entries, ledger.publicKey, { checkpoints: ledger.objects });
    const fromExport = auditExport(exportOf(ledger.entries), ledger.publicKey, {
      checkpoints: ledger.objects,
    });
    // Assess
    const sizes = new Set(
      ledger.objects.map((o) => (o.value as { checkpoint: { size: number } }).checkpoint.size),
    );
    expect(audit).toEqual({
      ok: true,
      size: 35,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      checkpoints: sizes.size,
      decisions: 5,
      consistencyProofs: sizes.size - 1,
    });
    expect(fromExport).toEqual(audit);
  });

  test.each(tampers)('detects $name (auditLedger)', async (tamper) => {
    // Prepare
    const { entries, objects } = await tamper.apply(ledger);
    // Act
    const audit = auditLedger(entries, ledger.publicKey, { checkpoints: objects });
    // Assess
    expect(audit).toMatchObject({ ok: false, ...tamper.expected });
  });

  test.each(tampers)('detects $name (export reader)', async (tamper) => {
    const { entries, objects } = await tamper.apply(ledger);
    const audit = auditExport(exportOf(entries), ledger.publicKey, { checkpoints: objects });
    expect(audit).toMatchObject({ ok: false, ...tamper.expected });
  });

  test('the table alone cannot show a truncation: without the evidence store a shortened ledger verifies', () => {
    const audit = auditLedger(ledger.entries.slice(0, 30), ledger.publicKey);
    expect(audit.ok).toBe(true);
  });

  test('a flipped byte anywhere in an exported line is caught at that line', () => {
    const bytes = exportOf(ledger.entries);
    const lineStarts = [0, ...[...bytes.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1)];
    for (const offset of [0, 15, 40, 120, 200, -90, -70, -20, -3]) {
      const start = lineStarts[12]!;
      const end = lineStarts[13]! - 1;
      const position = offset >= 0 ? start + offset : end + offset;
      const tampered = Buffer.from(bytes);
      tampered[position] = tampered[position]! ^ 0x01;
      const audit = auditExport(tampered, ledger.publicKey, { checkpoints: ledger.objects });
      expect({ offset, audit }).toMatchObject({ offset, audit: { ok: false } });
      expect((audit as { seq: number }).seq).toBeLessThanOrEqual(12);
    }
  });

  test('the export reader leaves the bytes it reads unchanged', () => {
    const bytes = exportOf(ledger.entries);
    const copy = Buffer.from(bytes);
    auditExport(bytes, ledger.publicKey);
    expect(bytes.equals(copy)).toBe(true);
  });

  test('the export reader checks unsigned canonical lines in place and parses the rest in full', () => {
    const stats = { fast: 0, full: 0 };
    auditExport(exportOf(ledger.entries), ledger.publicKey, { stats });
    // Line 1 names the ledger; decisions and checkpoints need their signatures checked.
    expect(stats).toEqual({ fast: 35 - 1 - 10, full: 11 });
  });

  test('a line that is valid but not canonical is parsed in full and still verifies', () => {
    const lines = exportOf(ledger.entries).toString().split('\n');
    lines[5] = JSON.stringify(JSON.parse(lines[5]!), null, 1).replaceAll('\n', '');
    const stats = { fast: 0, full: 0 };
    const audit = auditExport(Buffer.from(lines.join('\n')), ledger.publicKey, { stats });
    expect(audit.ok).toBe(true);
    expect(stats.full).toBe(12);
  });

  test('a checkpoint object whose signature fails is reported', () => {
    const broken = structuredClone(ledger.objects[1]!) as {
      value: { checkpoint: { size: number }; envelope: { signatures: Array<{ sig: string }> } };
    };
    broken.value.envelope.signatures[0]!.sig = Buffer.alloc(70, 1).toString('base64');
    const audit = auditLedger(ledger.entries, ledger.publicKey, {
      checkpoints: [{ ...broken, source: 'broken' }],
    });
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: broken.value.checkpoint.size });
    expect((audit as { reason: string }).reason).toContain('checkpoint broken');
  });

  test('a different public key fails at the first signed entry', () => {
    const other = Buffer.from(ledger.publicKey);
    other[other.length - 1] = other[other.length - 1]! ^ 0x01;
    const audit = auditLedger(ledger.entries, other);
    expect(audit).toMatchObject({ ok: false, fault: 'bad-signature', seq: 3 });
  });
});
