import { execFileSync } from 'node:child_process';
import { completionScript } from '../../../cli/completion.js';
import { buildProgram } from '../../../cli/main.js';
import { root } from '../../support/run-itv.js';

/** What bash completes after `line` (the word being completed is its last, possibly empty) with the script. */
function bashCompletes(line: string): string[] {
  const words = line.split(' ');
  const script = completionScript(buildProgram(), 'bash');
  const run = `${script}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_itv; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', run], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('itv completion', () => {
  test('bash completes commands, subcommands, options of the command reached, argument values and files', () => {
    expect(bashCompletes('itv led')).toEqual(['ledger']);
    expect(bashCompletes('itv ledger ').sort()).toEqual(['export', 'verify']);
    expect(bashCompletes('itv ledger verify --pub')).toEqual(['--public-key']);
    expect(bashCompletes('itv --json ledger verify --acc')).toEqual(['--accept-tail']);
    expect(bashCompletes('itv completion ').sort()).toEqual(['bash', 'zsh']);
    expect(bashCompletes('itv submit examples/01-low')).toEqual(['examples/01-low-risk-flag.json']);
    expect(bashCompletes('itv -')).toEqual(expect.arrayContaining(['--version', '--help']));
  });

  test('the control plane is offered with its stop; stop, retry and watch are commands of their own', () => {
    expect(bashCompletes('itv cont').sort()).toEqual(['context', 'control-plane']);
    expect(bashCompletes('itv control-plane ')).toEqual(['stop']);
    expect(bashCompletes('itv stop --')).toEqual(expect.arrayContaining(['--reason', '--as', '--json']));
    expect(bashCompletes('itv re').sort()).toEqual(['release', 'retry', 'review']);
    expect(bashCompletes('itv wat')).toEqual(['watch']);
    expect(completionScript(buildProgram(), 'zsh')).toContain('control-plane');
  });

  test('a subcommand completes the options it inherits: delegate revoke takes --as, every command --context', () => {
    expect(bashCompletes('itv delegate revoke --a')).toEqual(['--as']);
    expect(bashCompletes('itv status --con')).toEqual(['--context']);
    expect(bashCompletes('itv delegate revoke --')).not.toContain('--to');
  });

  test('zsh gets a native completion function over the same tree, never touching the PATH-tied `path`', () => {
    const script = completionScript(buildProgram(), 'zsh');

    expect(script.startsWith('#compdef itv\n')).toBe(true);
    expect(script).toContain('"ledger verify") options=(');
    expect(script).toContain('compdef _itv itv');
    expect(script).not.toMatch(/\blocal path\b|\$path\b/);
  });
});
