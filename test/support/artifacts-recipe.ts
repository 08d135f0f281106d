import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The eight artifacts docs/EVIDENCE.md's Python script recomputes from a bundle's entries. */
export const RECOMPUTED_ARTIFACTS = [
  'intent.json',
  'authority.json',
  'decision.json',
  'policy-evaluation.json',
  'test-results.json',
  'release-trace.json',
  'observability-snapshot.json',
  'outcome.json',
] as const;

/** The Python script docs/EVIDENCE.md shows for recomputing the artifacts, exactly as the Markdown holds it. */
export function artifactsRecipeText(): string {
  const doc = readFileSync(join(process.cwd(), 'docs', 'EVIDENCE.md'), 'utf8');
  const shown = doc.match(/```python\n(#!\/usr\/bin\/env python3\n[\s\S]*?)```/)?.[1];
  if (shown === undefined) throw new Error('docs/EVIDENCE.md shows no Python script for the artifacts');
  return shown;
}

/**
 * Runs the doc's script inside a bundle folder with `--out`: its exit status, what it printed, and each
 * artifact as it recomputed it.
 */
export function runArtifactsRecipe(bundle: string): {
  status: number | null;
  stdout: string;
  stderr: string;
  recomputed: Map<string, Buffer>;
} {
  const work = mkdtempSync(join(tmpdir(), 'itv-artifacts-recipe-'));
  const script = join(work, 'artifacts.py');
  writeFileSync(script, artifactsRecipeText());
  const out = join(work, 'out');
  mkdirSync(out);
  try {
    const run = spawnSync('python3', [script, '--out', out], { cwd: bundle, encoding: 'utf8' });
    const recomputed = new Map<string, Buffer>();
    for (const name of RECOMPUTED_ARTIFACTS) {
      try {
        recomputed.set(name, readFileSync(join(out, name)));
      } catch {
        // Not written: the caller's comparison names it.
      }
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, recomputed };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
