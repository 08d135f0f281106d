import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { checkpointSourcesOf, VERIFY_EXIT, verifyExitOf } from '../../cli/commands/ledger.js';
import { checkpointObjects } from '../../lambdas/core/evidence/audit-stores.js';
import { auditExport } from '../../lambdas/core/evidence/export-audit.js';
import { checkpointLink } from '../../lambdas/core/ledger/checkpoint.js';
import { exportLines } from '../../lambdas/core/ledger/export-lines.js';
import { type Checkpoint, canonicalJson } from '../../lambdas/core/ledger/index.js';
import { signCheckpoint } from '../../lambdas/core/pipeline/checkpoint.js';
import { appendFiller } from '../unit/pipeline/helpers/filler-entry.js';
import { pipelineHarness } from '../unit/pipeline/helpers/pipeline-harness.js';

/*
 * Mutations of an honest ledger export, generated: what an attacker holding the export and the evidence
 * store's checkpoints (but not the signing key) can do to either file, in sequences. Used by
 * test/unit/evidence/export-verify.fuzz.test.ts (fixed seed, bounded count) and `npm run bench -- fuzz`.
 */

/** An export and the checkpoints file beside it (`undefined`: not there), as the bytes `itv ledger verify --file` reads. */
export interface ExportFiles {
  export: Buffer;
  checkpoints: Buffer | undefined;
}

export interface HonestExport extends ExportFiles {
  publicKey: Uint8Array;
  /** Each entry as `canonicalJson({ entry, hash })`: what a line means, whatever its bytes. */
  meaning: string[];
}

const STEPS = [
  'intent.declared',
  'structure.validated',
  'admission.admitted',
  'verification.passed',
  'release.started',
  'observation.recorded',
  'intent.concluded',
];

/** Seven intents as SignCheckpoint leaves them (interval checkpoints every 8 entries), exported with its checkpoints. */
export async function honestExport(): Promise<HonestExport> {
  const h = pipelineHarness();
  for (let i = 0; i < 7; i++) {
    const intentId = `int-${i}`;
    for (const [n, type] of STEPS.entries()) {
      h.clock.advance(1000);
      await appendFiller(h.deps, intentId, type, { n, note: `déjà vu € ${i}` });
    }
    h.clock.advance(1000);
    await signCheckpoint(intentId, h.deps, { interval: 8 });
  }
  const entries = await h.ledger.read(h.deps.ledgerName);
  const checkpoints = await checkpointObjects(h.deps.evidence, h.deps.ledgerName);
  return {
    export: Buffer.from(exportLines(entries)),
    checkpoints: Buffer.from(checkpoints.map((c) => `${canonicalJson(c.value)}\n`).join('')),
    publicKey: await h.deps.publicKey(),
    meaning: entries.map((s) => canonicalJson({ entry: s.entry, hash: s.hash })),
  };
}

type File = 'export' | 'checkpoints';
// biome-ignore lint/suspicious/noExplicitAny: an attacker's edit reaches into untyped JSON
type Json = any;

/** One edit; indices and positions are taken modulo what is there when it applies. */
export type Mutation =
  | { op: 'delete'; file: File; at: number }
  | { op: 'insert'; file: File; at: number; line: InsertedLine }
  | { op: 'swap'; file: File; at: number; other: number }
  | { op: 'duplicate'; file: File; at: number }
  | { op: 'edit'; file: File; at: number; path: number; value: Json; rehash: boolean }
  | { op: 'truncate'; file: File; keep: number }
  | { op: 'cut'; file: File; at: number }
  | { op: 'flip'; file: File; at: number; mask: number }
  | { op: 'reverse'; file: File; at: number; length: number }
  | { op: 'forge'; types: string[]; rehashFrom: boolean }
  | { op: 'dropCheckpointEntries'; every: boolean; at: number; alsoFromFile: boolean }
  | { op: 'removeCheckpointsFile' };

type InsertedLine =
  | { kind: 'copy'; from: File; at: number }
  /** The `{ checkpoint, envelope }` a checkpoint.signed entry of the export records, as a checkpoints line. */
  | { kind: 'recorded-checkpoint'; at: number }
  | { kind: 'json'; value: Json }
  | { kind: 'text'; text: string };

const files = fc.constantFrom<File>('export', 'checkpoints');
const index = fc.nat({ max: 1000 });
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, 1, -1, 999, 'released', 'f'.repeat(64), '0'.repeat(64), '2026-01-01T00:00:00.000Z'),
);
const insertedLine: fc.Arbitrary<InsertedLine> = fc.oneof(
  fc.record({ kind: fc.constant('copy' as const), from: files, at: index }),
  fc.record({ kind: fc.constant('recorded-checkpoint' as const), at: index }),
  fc.record({ kind: fc.constant('json' as const), value: jsonValue }),
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.oneof(fc.string(), fc.constantFrom('', ' ', '\r')),
  }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), file: files, at: index }),
  fc.record({ op: fc.constant('insert' as const), file: files, at: index, line: insertedLine }),
  fc.record({ op: fc.constant('swap' as const), file: files, at: index, other: index }),
  fc.record({ op: fc.constant('duplicate' as const), file: files, at: index }),
  fc.record({
    op: fc.constant('edit' as const),
    file: files,
    at: index,
    path: index,
    value: jsonValue,
    rehash: fc.boolean(),
  }),
  fc.record({ op: fc.constant('truncate' as const), file: files, keep: index }),
  fc.record({ op: fc.constant('cut' as const), file: files, at: fc.nat() }),
  fc.record({
    op: fc.constant('flip' as const),
    file: files,
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    op: fc.constant('reverse' as const),
    file: files,
    at: index,
    length: fc.integer({ min: 2, max: 8 }),
  }),
  fc.record({
    op: fc.constant('forge' as const),
    types: fc.array(
      fc.constantFrom('review.approved', 'intent.declared', 'intent.concluded', 'checkpoint.signed'),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    rehashFrom: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('dropCheckpointEntries' as const),
    every: fc.boolean(),
    at: index,
    alsoFromFile: fc.boolean(),
  }),
  fc.constant({ op: 'removeCheckpointsFile' as const }),
);

/** One to four edits in a row. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

const NEWLINE = 0x0a;
const GENESIS = '0'.repeat(64);

function linesOf(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

const joinLines = (lines: readonly Buffer[]) =>
  Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));

function parse(line: Buffer | undefined): Json {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** SHA-256(0x00 ‖ JCS(entry)), as anyone can recompute it. */
function leafHash(entry: Json): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalJson(entry))
    .digest('hex');
}

/** Recomputes seq, prevHash and hash of every parseable entry line from `from` on, chained to the one before. */
function rechain(lines: Buffer[], from: number): Buffer[] {
  const out = [...lines];
  let previous: { seq: number; hash: string } | undefined;
  for (let i = 0; i < out.length; i++) {
    const value = parse(out[i]);
    if (!isObject(value) || !isObject(value.entry)) continue;
    if (i >= from) {
      value.entry.seq = previous ? previous.seq + 1 : 0;
      value.entry.prevHash = previous ? previous.hash : GENESIS;
      value.hash = leafHash(value.entry);
      out[i] = Buffer.from(canonicalJson(value));
    }
    previous = { seq: value.entry.seq, hash: value.hash };
  }
  return out;
}

/** Recomputes each checkpoint line's `previous` from the line before it, as one without the key can. */
function relink(lines: Buffer[]): Buffer[] {
  let previous: Checkpoint | undefined;
  return lines.map((line) => {
    const value = parse(line);
    if (!isObject(value) || !isObject(value.checkpoint)) return line;
    if (previous) {
      try {
        value.checkpoint.previous = checkpointLink(previous);
      } catch {
        // A predecessor too damaged to hash is linked as it is.
      }
    }
    previous = value.checkpoint as Checkpoint;
    return Buffer.from(canonicalJson(value));
  });
}

/** The paths to every value inside `value` (objects and arrays), the root excluded. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...pathsOf(value[key], [...prefix, key])]);
}

function setAt(root: Json, path: Array<string | number>, value: Json): void {
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
}

/** Applies one edit; the result may be anything an attacker could write. */
export function applyMutation(files: ExportFiles, m: Mutation): ExportFiles {
  if (m.op === 'removeCheckpointsFile') return { export: files.export, checkpoints: undefined };
  if (m.op === 'forge' || m.op === 'dropCheckpointEntries') return { ...files, ...onEntries(files, m) };
  const bytes = files[m.file] ?? Buffer.alloc(0);
  const changed = ((): Buffer => {
    switch (m.op) {
      case 'cut':
        return bytes.subarray(0, bytes.length === 0 ? 0 : m.at % bytes.length);
      case 'flip': {
        if (bytes.length === 0) return bytes;
        const out = Buffer.from(bytes);
        out[m.at % out.length]! ^= m.mask;
        return out;
      }
      default:
        return joinLines(onLines(files, m, linesOf(bytes)));
    }
  })();
  return { ...files, [m.file]: changed };
}

function insertedBytes(files: ExportFiles, line: InsertedLine): Buffer {
  switch (line.kind) {
    case 'copy': {
      const source = linesOf(files[line.from] ?? Buffer.alloc(0));
      return source[line.at % Math.max(1, source.length)] ?? Buffer.alloc(0);
    }
    case 'recorded-checkpoint': {
      const recorded = linesOf(files.export)
        .map((l) => parse(l)?.entry)
        .filter((entry) => entry?.type === 'checkpoint.signed' && isObject(entry.payload));
      const payload = recorded[line.at % Math.max(1, recorded.length)]?.payload;
      if (payload === undefined) return Buffer.alloc(0);
      return Buffer.from(canonicalJson({ checkpoint: payload.checkpoint, envelope: payload.envelope }));
    }
    case 'json':
      return Buffer.from(JSON.stringify(line.value) ?? 'null');
    case 'text':
      return Buffer.from(line.text.replaceAll('\n', ' '));
  }
}

function onLines(files: ExportFiles, m: Mutation, lines: Buffer[]): Buffer[] {
  const n = lines.length;
  const at = 'at' in m && n > 0 ? m.at % n : 0;
  switch (m.op) {
    case 'delete':
      return lines.filter((_, i) => i !== at);
    case 'insert': {
      const line = insertedBytes(files, m.line);
      return [...lines.slice(0, at), line, ...lines.slice(at)];
    }
    case 'swap': {
      if (n === 0) return lines;
      const out = [...lines];
      const other = m.other % n;
      [out[at], out[other]] = [out[other]!, out[at]!];
      return out;
    }
    case 'duplicate':
      return n === 0 ? lines : [...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)];
    case 'truncate':
      return lines.slice(0, n === 0 ? 0 : m.keep % n);
    case 'reverse':
      return [
        ...lines.slice(0, at),
        ...lines.slice(at, at + m.length).reverse(),
        ...lines.slice(at + m.length),
      ];
    case 'edit': {
      const value = parse(lines[at]);
      const paths = pathsOf(value);
      if (paths.length === 0) return lines;
      setAt(value, paths[m.path % paths.length]!, m.value);
      const out = [...lines];
      out[at] = Buffer.from(canonicalJson(value));
      if (!m.rehash) return out;
      return m.file === 'export' ? rechain(out, at) : relink(out);
    }
    default:
      return lines;
  }
}

/** A forged approval, a replay of the newest recorded checkpoint.signed payload, or a placeholder. */
function forgedPayload(type: string, lines: readonly Buffer[]): Json {
  if (type === 'review.approved') return { decision: 'approved', reviewer: 'mallory' };
  if (type === 'checkpoint.signed') {
    const recorded = lines
      .map((line) => parse(line)?.entry)
      .filter((entry) => entry?.type === 'checkpoint.signed' && isObject(entry.payload))
      .at(-1);
    if (recorded) return recorded.payload;
  }
  return { forged: true };
}

function onEntries(
  files: ExportFiles,
  m: Extract<Mutation, { op: 'forge' | 'dropCheckpointEntries' }>,
): ExportFiles {
  const lines = linesOf(files.export);
  if (m.op === 'forge') {
    const out = [...lines];
    for (const type of m.types) {
      const last = [...out]
        .reverse()
        .map(parse)
        .find((v) => isObject(v) && isObject(v.entry));
      const entry = {
        idempotencyKey: `forged/${type}/${out.length}`,
        intentId: last?.entry.intentId ?? 'int-forged',
        ledger: last?.entry.ledger ?? 'test',
        payload: forgedPayload(type, out),
        prevHash: last?.hash ?? GENESIS,
        seq: last ? Number(last.entry.seq) + 1 : 0,
        timestamp: last?.entry.timestamp ?? '2026-01-01T00:00:00.000Z',
        type,
      };
      out.push(Buffer.from(canonicalJson({ entry, hash: leafHash(entry) })));
    }
    return { ...files, export: joinLines(m.rehashFrom ? rechain(out, 0) : out) };
  }
  const isCheckpointEntry = (line: Buffer) => parse(line)?.entry?.type === 'checkpoint.signed';
  const checkpointLines = lines
    .map((line, i) => [line, i] as const)
    .filter(([line]) => isCheckpointEntry(line));
  if (checkpointLines.length === 0) return files;
  const dropped = m.every ? checkpointLines : [checkpointLines[m.at % checkpointLines.length]!];
  const droppedIndices = new Set(dropped.map(([, i]) => i));
  const first = Math.min(...droppedIndices);
  const kept = rechain(
    lines.filter((_, i) => !droppedIndices.has(i)),
    first,
  );
  if (!m.alsoFromFile || files.checkpoints === undefined) return { ...files, export: joinLines(kept) };
  // The store's objects at or after the first dropped one go too: they name sizes the rewritten ledger lacks.
  const firstSize = first;
  const objects = linesOf(files.checkpoints).filter((line) => {
    const size = parse(line)?.checkpoint?.size;
    return typeof size !== 'number' || size < firstSize;
  });
  return { export: joinLines(kept), checkpoints: joinLines(objects) };
}

/** What an export's lines mean: each non-blank line as `canonicalJson({ entry, hash })`, or its text when not JSON. */
export function meaningOf(bytes: Buffer): string[] {
  return linesOf(bytes)
    .map((line) => line.toString('utf8'))
    .filter((text) => text.trim() !== '')
    .map((text) => {
      try {
        const value = JSON.parse(text);
        return isObject(value)
          ? canonicalJson({ entry: value.entry, hash: value.hash })
          : `not an entry: ${text}`;
      } catch {
        return `not JSON: ${text}`;
      }
    });
}

export type FuzzVerdict =
  | { kind: 'no-op' | 'rejected' | 'unanchored' | 'honest' | 'rollback'; exit: number }
  | { kind: 'accepted' | 'crashed' | 'no-op refused'; exit?: number; detail: string };

/**
 * Verifies mutated files as `itv ledger verify --file` does and judges the exit code against what the files
 * hold. An export whose entries differ from the honest ones must exit 1 (tampered), or 3 (unanchored) with
 * every entry the verdict counts as covered exactly as the honest export has it. Exit 0 is allowed only for
 * entries that mean what the honest ones mean (a blank line added, say) with every honest signed checkpoint
 * still given in one file or the other, or for an honest prefix when every checkpoint beyond it was removed
 * too (a rollback, which only a witness shows, and must); it is required for identical bytes.
 */
export function judge(honest: HonestExport, mutated: ExportFiles): FuzzVerdict {
  let exit: number;
  let anchored = 0;
  try {
    const checkpoints = mutated.checkpoints
      ? checkpointSourcesOf(mutated.checkpoints.toString('utf8'), 'EXPORT.checkpoints.jsonl')
      : [];
    // auditExport borrows the bytes; a copy keeps the mutated files as they were for the report.
    const audit = auditExport(Buffer.from(mutated.export), honest.publicKey, { checkpoints });
    exit = verifyExitOf(audit);
    if (audit.ok) anchored = audit.anchored;
  } catch (error) {
    return { kind: 'crashed', detail: (error as Error).stack ?? String(error) };
  }
  const sameBytes =
    mutated.export.equals(honest.export) &&
    mutated.checkpoints !== undefined &&
    honest.checkpoints !== undefined &&
    mutated.checkpoints.equals(honest.checkpoints);
  if (sameBytes)
    return exit === VERIFY_EXIT.intact
      ? { kind: 'no-op', exit }
      : { kind: 'no-op refused', exit, detail: `the honest files exit ${exit}` };
  const meaning = meaningOf(mutated.export);
  const sameEntries =
    meaning.length === honest.meaning.length && meaning.every((line, i) => line === honest.meaning[i]);
  if (exit === VERIFY_EXIT.tampered) return { kind: 'rejected', exit };
  if (sameEntries) {
    // The entries are the honest ones; exit 0 still needs every honest signed checkpoint to be given, in the
    // file or in the export's checkpoint.signed entries: one that went missing must be noticed.
    const given = signedCheckpointsOf(mutated);
    const missing = [...signedCheckpointsOf(honest)].filter((c) => !given.has(c));
    if (exit === VERIFY_EXIT.intact && missing.length > 0) {
      return {
        kind: 'accepted',
        exit,
        detail: `intact with ${missing.length} signed checkpoint(s) missing, e.g. size ${JSON.parse(missing[0]!).checkpoint.size}`,
      };
    }
    return { kind: 'honest', exit };
  }
  if (exit === VERIFY_EXIT.unanchored) {
    const edited = meaning.findIndex((line, i) => line !== honest.meaning[i]);
    if (edited === -1 || edited >= anchored) return { kind: 'unanchored', exit };
    return {
      kind: 'accepted',
      exit,
      detail: `entry ${edited} was changed, yet counted among the ${anchored} a signed checkpoint covers`,
    };
  }
  if (isPrefix(meaning, honest.meaning)) {
    // Entries cut from the end together with every checkpoint that covered them: all that is left is authentic
    // and signed, as the ledger stood before; only a witness (`--witness`, an earlier export's checkpoints)
    // shows the rollback, and must. Exit 0 is a defect while a checkpoint beyond the cut is still given.
    const beyond = checkpointSizesOf(mutated.checkpoints, honest).filter((size) => size > meaning.length);
    if (beyond.length === 0) {
      // The honest checkpoints, kept elsewhere, are the witness that shows it.
      const witnessed = auditExport(Buffer.from(mutated.export), honest.publicKey, {
        checkpoints: checkpointSourcesOf(honest.checkpoints!.toString('utf8'), 'witness.checkpoints.jsonl'),
      });
      if (verifyExitOf(witnessed) === VERIFY_EXIT.tampered) return { kind: 'rollback', exit };
      return { kind: 'accepted', exit, detail: `a rollback to ${meaning.length} entries the witness misses` };
    }
    return {
      kind: 'accepted',
      exit,
      detail: `cut to ${meaning.length} entries although a signed checkpoint of ${beyond[0]} is given`,
    };
  }
  return { kind: 'accepted', exit, detail: `changed entries exit ${exit}` };
}

/** Every signed checkpoint the files give, as `canonicalJson({ checkpoint, envelope })`. */
function signedCheckpointsOf(files: ExportFiles): Set<string> {
  const found = new Set<string>();
  const add = (value: Json) => {
    if (isObject(value) && isObject(value.checkpoint) && isObject(value.envelope))
      found.add(canonicalJson({ checkpoint: value.checkpoint, envelope: value.envelope }));
  };
  for (const line of linesOf(files.checkpoints ?? Buffer.alloc(0))) add(parse(line));
  for (const line of linesOf(files.export)) {
    const value = parse(line);
    if (value?.entry?.type === 'checkpoint.signed') add(value.entry.payload);
  }
  return found;
}

const isPrefix = (lines: readonly string[], of: readonly string[]) =>
  lines.length < of.length && lines.every((line, i) => line === of[i]);

/** The sizes of the honest checkpoints still in a checkpoints file, byte for byte. */
function checkpointSizesOf(file: Buffer | undefined, honest: HonestExport): number[] {
  if (file === undefined || honest.checkpoints === undefined) return [];
  const honestLines = new Set(linesOf(honest.checkpoints).map((line) => line.toString('utf8')));
  return linesOf(file)
    .map(parse)
    .filter((value) => value !== undefined && honestLines.has(canonicalJson(value)))
    .map((value) => Number(value.checkpoint.size));
}

/** Applies the edits in turn to the honest files. */
export function mutate(honest: HonestExport, edits: readonly Mutation[]): ExportFiles {
  return edits.reduce<ExportFiles>((files, m) => applyMutation(files, m), {
    export: honest.export,
    checkpoints: honest.checkpoints,
  });
}
