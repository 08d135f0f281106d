import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type FunctionAccess, functionAccess, type ItvFunctionName } from '../../infra/function-access.js';
import {
  bundleFunction,
  bundleFunctions,
  bundleOutdir,
  coldImport,
  type FunctionBundle,
  heaviestInputs,
  itvFunctionNames,
  sdkPackagesImported,
} from '../../infra/function-bundle.js';
import { pipelineStages } from '../../statemachines/task-states.js';

/*
 * Every function's deployed bundle, built in process with the stack's own esbuild options:
 * - at most 460 KB minified: small bundles load fast on a cold start (the largest, submit-intent, carries ajv and
 *   zod, about 235 KB of it, since `POST /intents?dryRun=true` validates structure in the same function: API
 *   Gateway routes a method, not a query parameter, to one function; it also checks a payload by reference at
 *   the door, which took it past the earlier 420 KB, and its dry run decides an emergency override's preemption
 *   as admission does, which took it past 440 KB; the cold import stays measured against 250 ms by
 *   `npm run bench`);
 * - importing only the SDK clients its grants let it call: a client without a grant is dead weight at best,
 *   an AccessDenied at worst;
 * - loading with no environment variable set: each function gets only those its grants imply, read at first use;
 * - error names intact: Step Functions Retry/Catch match on them, and minification would mangle them.
 */
const limitBytes = 460_000;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** The SDK clients each grant of `functionAccess` lets a function call. */
function sdkClientsGranted(access: FunctionAccess): string[] {
  const clients = new Set<string>();
  if (access.ledger || access.state) clients.add('@aws-sdk/client-dynamodb');
  if (access.evidence || access.payloads) clients.add('@aws-sdk/client-s3');
  if (access.signing) clients.add('@aws-sdk/client-kms');
  if (access.release?.length) {
    clients.add('@aws-sdk/client-appconfig');
    // Irreversible releases disable and restore their monitors' alarm actions.
    clients.add('@aws-sdk/client-cloudwatch');
  }
  if (access.telemetry) clients.add('@aws-sdk/client-cloudwatch');
  if (access.pipeline) clients.add('@aws-sdk/client-sfn');
  return [...clients];
}

describe('function bundles', () => {
  let outdir: string;
  const bundles = new Map<ItvFunctionName, FunctionBundle>();
  let together: Map<string, Loaded> | undefined;
  function loadedTogether(): Map<string, Loaded> {
    if (together === undefined) throw new Error('the bundles were not loaded: see beforeAll');
    return together;
  }
  beforeAll(async () => {
    outdir = bundleOutdir();
    for (const bundle of await bundleFunctions(itvFunctionNames, outdir)) bundles.set(bundle.name, bundle);
    together = await loadTogether(bundles);
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('a function bundled alone, as the stack bundles it, is byte for byte its bundle from the batch', async () => {
    const name = 'submit-intent';
    const alone = await bundleFunction(name, bundleOutdir());
    try {
      const batched = bundles.get(name)!;
      expect(readFileSync(alone.file).equals(readFileSync(batched.file))).toBe(true);
      expect(heaviestInputs(alone)).toEqual(heaviestInputs(batched));
      expect(sdkPackagesImported(alone)).toEqual(sdkPackagesImported(batched));
    } finally {
      rmSync(path.dirname(path.dirname(alone.file)), { recursive: true, force: true });
    }
  });

  test.each(itvFunctionNames)('%s bundles to at most 460 KB minified', (name) => {
    const bundle = bundles.get(name)!;

    // The message names the function, its size and what weighs most in it.
    const heaviest = heaviestInputs(bundle)
      .map(([input, bytes]) => `${input} ${kb(bytes)}`)
      .join(', ');
    const verdict = `${name}: ${kb(bundle.bytes)} (limit ${kb(limitBytes)}); heaviest: ${heaviest}`;
    expect({ verdict, withinLimit: bundle.bytes <= limitBytes }).toEqual({ verdict, withinLimit: true });
  });

  test.each(itvFunctionNames)('%s imports only the SDK clients its grants let it call', (name) => {
    const imported = sdkPackagesImported(bundles.get(name)!);
    const granted = sdkClientsGranted(functionAccess[name]);
    expect(imported.filter((client) => !granted.includes(client))).toEqual([]);
  });

  const apiFunctions = itvFunctionNames.filter(
    (name) => !(pipelineStages as readonly string[]).includes(name),
  );
  test('one bundle loads alone in a fresh node with an empty environment', async () => {
    const loaded = await coldImport(bundles.get('submit-intent')!.file);
    expect(loaded.exports).toContain('handler');
  });

  test.each(apiFunctions)('%s loads with an empty environment and sets no variable', (name) => {
    const loaded = loadedTogether().get(name);
    expect(setByLoading(loaded)).toEqual([]);
    expect(loaded?.exports).toContain('handler');
  });

  test.each(pipelineStages)(
    '%s loads with an empty environment and rejects a malformed state input with an error still named InvalidInputError',
    (name) => {
      const loaded = loadedTogether().get(name);
      expect(setByLoading(loaded)).toEqual([]);
      expect(loaded?.error).toBe('InvalidInputError');
      expect(loaded?.exports).toContain('handler');
    },
  );
});

/*
 * Every bundle imported in turn by one node started with an empty environment (a node per bundle cost about 0.4 s
 * of CPU, 37 times over), a stage's handler called with a malformed state input. Each import is checked to set no
 * variable (`setByLoading`), so no bundle loads only because one before it set one; the SDK packages the bundles
 * leave external load once, as a warm Lambda runtime holds them. One bundle is also loaded alone (`coldImport`).
 */
async function loadTogether(
  bundles: ReadonlyMap<ItvFunctionName, FunctionBundle>,
): Promise<Map<string, Loaded>> {
  const entries = itvFunctionNames.map((name) => ({
    name,
    url: pathToFileURL(bundles.get(name)!.file).href,
    call: (pipelineStages as readonly string[]).includes(name),
  }));
  const script = `
const results = {};
for (const { name, url, call } of JSON.parse(process.argv[1])) {
  try {
    const module = await import(url);
    const error = call ? await module.handler({ source: 'fax' }, {}).then(() => undefined, (e) => e) : undefined;
    results[name] = { exports: Object.keys(module), env: Object.keys(process.env), ...(call ? { error: String(error?.name) } : {}) };
  } catch (e) {
    results[name] = { failed: String(e?.stack ?? e) };
  }
}
process.stdout.write('\\n' + JSON.stringify(results));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(entries)],
    { env: {}, maxBuffer: 16 * 1024 * 1024 },
  );
  // The stages' own telemetry (EMF, log lines) comes first; the results are the last line.
  return new Map(Object.entries(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, Loaded>));
}

/** The variables set since the node started, but the SDK user-agent tag Powertools adds as it loads. */
function setByLoading(loaded: Loaded | undefined): string[] {
  return loaded?.env?.filter((name) => name !== 'AWS_SDK_UA_APP_ID') ?? [`not loaded: ${loaded?.failed}`];
}

interface Loaded {
  exports?: string[];
  env?: string[];
  error?: string;
  failed?: string;
}
