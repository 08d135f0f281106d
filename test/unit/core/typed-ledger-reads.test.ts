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

/** Code lines (comments left out) that read a ledger payload by a type assertion: `payload as {…}`. */
function castReads(file: string): string[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: `${file}:${i + 1}` }))
    .filter(({ line }) => !line.startsWith('*') && !line.startsWith('//') && !line.startsWith('/*'))
    .filter(({ line }) => /\bpayload\)?\s+as\s/.test(line))
    .map(({ at, line }) => `${at}: ${line}`);
}

describe('ledger payloads are parsed where they are read, never cast', () => {
  test('no code in the functions, the CLI or the console reads `payload as …`', () => {
    // A cast trusts whatever the ledger holds; a schema of core/ledger/entry-payloads.ts names the bad field.
    const reads = ['lambdas', 'cli'].flatMap(sources).flatMap(castReads);
    expect(reads).toEqual([]);
  });

  test('the check finds a cast where one is written', () => {
    expect(/\bpayload\)?\s+as\s/.test('const p = (entry.payload as { outcome?: unknown }).outcome;')).toBe(
      true,
    );
    expect(/\bpayload\)?\s+as\s/.test('const p = payloadOf(entry, intentConcludedPayload).outcome;')).toBe(
      false,
    );
  });
});
