#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { cliBundle, runningIdentity, sourcesIdentity } from './cli-bundle.js';

// Locally the AWS SDK only talks to the embedded dynalite; its Node-version notice (it will need Node 22
// from 2027; Lambda runs nodejs22.x already) is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const bundle = await cliBundle();
// Which sources this process runs, asked for only by the commands that meet a control plane (cli/build-identity.ts).
globalThis[Symbol.for('itv.build')] = { identity: runningIdentity, sources: sourcesIdentity };
let main;
if (bundle) {
  process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  // No bundle: the TypeScript sources run directly (tsx), so a fresh clone needs no build step either way.
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
await main(process.argv);
