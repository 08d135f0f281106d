import { spawnSync } from 'node:child_process';

/**
 * Whether every tool is on this machine's PATH. A test that needs one is registered only where it is, so no
 * machine reports a skipped test.
 */
export function installed(...tools: string[]): boolean {
  return tools.every(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0,
  );
}
