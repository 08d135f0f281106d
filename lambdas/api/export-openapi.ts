import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from './openapi.js';

/** Where the committed document lives; a test keeps it equal to a fresh generation. */
export const openApiPath = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

/** Canonical file text of the document, so re-exports produce byte-identical files. */
export function formatOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(openApiPath, formatOpenApi(openApiDocument()));
  process.stdout.write(`wrote ${openApiPath}\n`);
}
