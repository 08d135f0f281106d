import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project root and the `itv` command, as a user runs it. */
export const root = join(import.meta.dirname, '..', '..');
export const itvBin = join(root, 'bin', 'itv.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `itv` in its own process on `home`, as a user would: the control plane it starts stops after 20 s
 * idle unless the test stops it first. `env` adds to (or overrides) those variables; `onStderr` sees the
 * standard error so far each time it grows; `signal` ends the command (SIGTERM) as a user's Ctrl-C would.
 */
export function runItv(
  home: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onStderr?: (text: string) => void; signal?: AbortSignal } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [itvBin, ...args], {
      cwd: root,
      env: itvEnv(home, options.env),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      options.onStderr?.(stderr);
    });
    child.on('error', (error) => {
      if (error.name !== 'AbortError') reject(error);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The instant a test's home starts its virtual clock at (`ITV_CLOCK_START`): a Wednesday afternoon outside every
 * freeze window, so that what the tests submit is judged the same whatever the day they run. At the wall clock's
 * now, tests that submit the examples failed from Saturday 06:00 UTC to Monday (patient-records' weekend freeze)
 * and for two weeks around the new year (the year-end freeze holds every service).
 */
export const testClockStart = '2026-11-04T15:00:00Z';

/** The environment of an `itv` process on `home`, its clock started at `testClockStart`. */
export function itvEnv(home: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ITV_CLOCK_START: testClockStart,
    ...process.env,
    ITV_HOME: home,
    ITV_IDLE_SECONDS: '20',
    NODE_OPTIONS: '',
    ...env,
  };
}

/** GET of a route on the home's running control plane (its `/local/` routes too), as its own client sends it. */
export async function controlPlaneGet<T>(home: string, path: string): Promise<T> {
  const address = JSON.parse(readFileSync(join(home, 'control-plane.json'), 'utf8')) as {
    url: string;
    secret: string;
  };
  const answer = await fetch(`${address.url}${path}`, {
    headers: { authorization: `ItvLocal ${address.secret}` },
  });
  return (await answer.json()) as T;
}

/** The pid of the home's control plane, as its address file names it; undefined when none runs. */
export function controlPlanePid(home: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(home, 'control-plane.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
