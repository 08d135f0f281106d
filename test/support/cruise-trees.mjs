/**
 * Runs dependency-cruiser's command line, as `npm run depcheck` does, over several source trees in one process:
 * starting it once per tree cost about 1.8 s of CPU each (Node, dependency-cruiser and TypeScript loaded again).
 *
 * Usage: node cruise-trees.mjs <config> <request.json>, where the request is a list of
 * `{ tree, folders, outputType, outputTo }`. Each run's output goes to its `outputTo` file, and its exit status
 * (dependency-cruiser's: the number of errors found) is printed as one JSON list, in the request's order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { default: executeCli } = await import(join(root, 'node_modules/dependency-cruiser/src/cli/index.mjs'));
const [config, request] = process.argv.slice(2);
const statuses = [];
for (const { tree, folders, outputType, outputTo } of JSON.parse(readFileSync(request, 'utf8'))) {
  // The rules name paths relative to the folder the command runs in, as `npm run depcheck` runs at the root.
  process.chdir(tree);
  statuses.push(await executeCli(folders, { config, outputType, outputTo }));
}
process.stdout.write(JSON.stringify(statuses));
