import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript source under `folder`, relative to the repository. */
function sources(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** Code lines (comments left out) of `file` that match `pattern`. */
function codeLines(file: string, pattern: RegExp): string[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: `${file}:${i + 1}` }))
    .filter(({ line }) => !line.startsWith('*') && !line.startsWith('//') && !line.startsWith('/*'))
    .filter(({ line }) => pattern.test(line))
    .map(({ at, line }) => `${at}: ${line}`);
}

/**
 * A ledger payload read by a type assertion: `payload as {…}`, or with a fallback first,
 * `(entry?.payload ?? {}) as Payload`.
 */
const castRead = /\bpayload\)?\s+as\s|\.payload\s*(?:\?\?|\|\|)[^;]*?\)\s*as\s/;

/** Code lines that read a ledger payload by a type assertion. */
function castReads(file: string): string[] {
  return codeLines(file, castRead);
}

/** A payload's field tested by its JavaScript type: `typeof entry?.payload.field`. */
const typeofRead = /typeof\s+[\w?.]*\.payload\??\.\w/;

describe('ledger payloads are parsed where they are read, never cast', () => {
  test('no code in the functions, the CLI or the console reads `payload as …`', () => {
    // A cast trusts whatever the ledger holds; a schema of core/ledger/entry-payloads.ts names the bad field.
    const reads = ['lambdas', 'cli'].flatMap(sources).flatMap(castReads);
    expect(reads).toEqual([]);
  });

  test('no code in the functions, the CLI or the console tests a payload field with `typeof` instead', () => {
    // `typeof entry.payload.field` is a cast by another name: its schema in ledgerPayloads is what reads the field.
    const reads = ['lambdas', 'cli'].flatMap(sources).flatMap((file) => codeLines(file, typeofRead));
    expect(reads).toEqual([]);
  });

  test('the check finds a cast where one is written', () => {
    expect(castRead.test('const p = (entry.payload as { outcome?: unknown }).outcome;')).toBe(true);
    expect(castRead.test('const p = payloadOf(entry, intentConcludedPayload).outcome;')).toBe(false);
    // A fallback before the cast is a cast all the same.
    expect(castRead.test('const p = (entry?.payload ?? {}) as Payload;')).toBe(true);
    expect(castRead.test('const p = (stored.entry.payload || {}) as { outcome?: string };')).toBe(true);
    expect(castRead.test('const p = ledgerPayloads[entry.type].safeParse(entry.payload ?? {}).data;')).toBe(
      false,
    );
    // A signed envelope's payload is its base64 statement, no ledger payload.
    expect(
      castRead.test("const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as {"),
    ).toBe(false);
    expect(typeofRead.test("const gave = typeof requested?.payload.laneReleased === 'string';")).toBe(true);
    expect(typeofRead.test("if (typeof envelope?.payload !== 'string') return undefined;")).toBe(false);
  });
});
