#!/usr/bin/env node
/**
 * `npm test`: the static checks (lint, types, dependency rules) and the Jest suite, side by side. The type
 * check is one thread for half a minute; run before the suite, it would leave the other core idle meanwhile.
 * Jest's output streams as it comes; each check's output is shown when it ends, in full only when it fails.
 * The exit code is non-zero when any of them failed. Arguments go to Jest: `npm test -- --coverage` (as CI runs
 * it) also holds the pure core's coverage by the whole suite to the floor in jest.config.js.
 */
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const checks = ['lint', 'typecheck', 'depcheck'];

function run(script, stream, args = []) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
      stdio: stream ? 'inherit' : 'pipe',
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      if (!stream) {
        process.stdout.write(`${ok ? '✓' : '✗'} npm run ${script} (${seconds} s)\n`);
        if (!ok) process.stdout.write(`${output.trimEnd()}\n`);
      }
      resolve({ script, ok, code: code ?? (signal ? 1 : 0) });
    });
  });
}

const results = await Promise.all([
  ...checks.map((script) => run(script, false)),
  run('test:unit', true, process.argv.slice(2)),
]);
const failed = results.filter((result) => !result.ok);
if (failed.length > 0) {
  process.stdout.write(`\nnpm test failed: ${failed.map((result) => result.script).join(', ')}\n`);
  process.exitCode = 1;
}
