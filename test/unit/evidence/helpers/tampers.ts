import { checkpointOf } from '../../../../lambdas/core/ledger/index.js';
import { signCheckpoint } from '../../../../lambdas/core/signing/index.js';
import type { StoredEntry } from '../../../../lambdas/ports/ledger-store.js';
import { rechain, type SignedLedger, signer } from './signed-ledger.js';

type Objects = SignedLedger['objects'];
export interface Tamper {
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
// evidence store holds checkpoints at sizes 8, 16, 24, …, at every intent's end and just after its checkpoint entry.
/** What a malicious store can serve, each with the fault and first bad seq the audit must report. */
export const tampers: Tamper[] = [
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
    // The closing head at 21 (after intent 2's checkpoint.signed) is the last head that held before size 24.
    expected: { fault: 'fork', seq: 21 },
  },
];
