import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { synthesizePipelineAsl } from './synth-asl.js';

/** Where the committed ASL lives; the local runtime loads it and a test keeps it equal to a fresh synth. */
export const pipelineAslPath = fileURLToPath(new URL('./pipeline.asl.json', import.meta.url));

/** Canonical file text of an ASL definition, so re-exports produce byte-identical files. */
export function formatAsl(definition: unknown): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(pipelineAslPath, formatAsl(synthesizePipelineAsl()));
  process.stdout.write(`wrote ${pipelineAslPath}\n`);
}
