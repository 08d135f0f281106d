import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isControlCharacter } from '../../lambdas/core/intake/control-characters.js';
import { runItv } from '../support/run-itv.js';

/**
 * What a person typed comes back in the error that refuses it: a control character in it (ESC, BEL, a bidi
 * override) is written out as `\u001b`, never sent to the terminal to recolour, retitle or clear it.
 */
describe('an error quoting what was typed', () => {
  let home: string;
  let config: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-escaped-home-'));
    config = mkdtempSync(join(tmpdir(), 'itv-escaped-config-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  });

  test.each([
    [['context', 'add', 'x\u001b[31mred', '--endpoint', 'https://a.example/v1', '--region', 'eu-west-1'], {}],
    [['context', 'add', 'prod', '--endpoint', 'https://a.example/v1', '--region', 'eu\u001b[31m'], {}],
    [['list', '--context', 'zz\u001b]0;pwn\u0007'], {}],
    [['list'], { ITV_CONTEXT: 'q\u001b[2J' }],
    [['list', '--context', 'a\u202eb\u009bc\u007f'], {}],
    [['lis\u001b[31m'], {}],
    [['list', '--colour\u001b[2J'], {}],
  ])('itv %j escapes its control characters (exit 1)', async (args, env) => {
    // Act
    const run = await runItv(home, args, { env: { ITV_CONFIG_DIR: config, ...env } });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^itv: /);
    expect(run.stderr).toMatch(/\\u(001b|202e)/);
    const raw = [...run.stderr].filter((char) => char !== '\n' && isControlCharacter(char.charCodeAt(0)));
    expect(raw).toEqual([]);
  });
});
