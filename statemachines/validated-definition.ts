import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** What aws-local-stepfunctions checks a definition with (`checkArn`: a Task's Resource must be an ARN). */
export interface ValidationOptions {
  checkArn: boolean;
  checkPaths: boolean;
}

export interface ValidationCache {
  /** Where verdicts are kept between processes; undefined keeps them for this process only. */
  folder: string | undefined;
  /** Validates or throws: aws-local-stepfunctions' own check by default. */
  validate(definition: StateMachineDefinition, options: ValidationOptions): void;
}

/** Definitions this process has seen pass, by key. */
const passed = new Set<string>();

/**
 * Validates a state machine definition once, as Step Functions does when a machine is created rather than on
 * every execution. asl-validator compiles its JSON schemas afresh on every call, about a second of CPU, and
 * every process that runs the pipeline (each local control plane, each test file) builds it from the same
 * definition. So a definition that passed is remembered by the digest of its text, the options and the
 * validator's version: in this process, and as an empty file under `node_modules/.cache/itv/asl-valid/`,
 * so the next process on this machine skips the work. The folder is a cache: deleting it only costs the next
 * start a validation. A definition that fails is never remembered, so it fails in every process.
 */
export function validateOnce(
  definition: StateMachineDefinition,
  options: ValidationOptions,
  cache: ValidationCache = defaultCache,
): void {
  const key = createHash('sha256')
    .update(JSON.stringify([validatorVersion ?? 'unknown', options, definition]))
    .digest('hex');
  if (passed.has(key)) return;
  const marker = cache.folder === undefined ? undefined : join(cache.folder, key);
  if (marker === undefined || !existsSync(marker)) {
    cache.validate(definition, options);
    if (marker !== undefined) remember(marker);
  }
  passed.add(key);
}

/** Forgets what this process has seen pass (tests of the cache). */
export function forgetValidatedDefinitions(): void {
  passed.clear();
}

function remember(marker: string): void {
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '');
  } catch {
    // A folder that cannot be written (a read-only install) only means validating again next time.
  }
}

/** The version of asl-validator that aws-local-stepfunctions checks with, when it can be found. */
const validatorVersion: string | undefined = (() => {
  try {
    const require = createRequire(import.meta.url);
    const runner = require.resolve('aws-local-stepfunctions');
    return (createRequire(runner)('asl-validator/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
})();

/**
 * `node_modules/.cache/itv/asl-valid` of the installation this module runs from: found above the module
 * (the sources in a checkout) or as the `node_modules` it sits in (the prebuilt CLI, kept in
 * `node_modules/.cache/itv`); undefined when neither is found or the validator's version is unknown.
 */
function cacheFolder(): string | undefined {
  if (validatorVersion === undefined) return undefined;
  const here = fileURLToPath(import.meta.url);
  const inside = here.lastIndexOf(`${sep}node_modules${sep}`);
  if (inside >= 0) return join(here.slice(0, inside), 'node_modules', '.cache', 'itv', 'asl-valid');
  for (let dir = dirname(here); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'itv', 'asl-valid');
  }
  return undefined;
}

const defaultCache: ValidationCache = {
  folder: cacheFolder(),
  validate: (definition, validationOptions) => {
    new StateMachine(definition, { validationOptions });
  },
};
