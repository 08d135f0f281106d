import { jest } from '@jest/globals';
import { printAudit, VERIFY_EXIT, verifyExitOf } from '../../../cli/commands/ledger.js';
import type { LedgerAudit } from '../../../lambdas/core/evidence/audit-result.js';

/** A chain that held: `checkpoints` signed heads verified, covering `anchored` of `size` entries. */
function held(size: number, anchored: number, checkpoints: number): LedgerAudit {
  return {
    ok: true,
    size,
    rootHash: 'ab'.repeat(32),
    checkpoints,
    decisions: 0,
    anchored,
    trailing: size - anchored,
    clocks: { wall: checkpoints, virtual: 0, unstated: 0 },
  };
}

describe('itv ledger verify: the exit code of a verdict', () => {
  test('--accept-tail accepts entries trailing a signed checkpoint, not a ledger no signature vouches for', () => {
    // A fabricated export: a correct chain, and no checkpoint at all.
    expect(verifyExitOf(held(2, 0, 0), true)).toBe(VERIFY_EXIT.unanchored);
    // A running ledger: its newest entries trail the last signed head.
    expect(verifyExitOf(held(10, 8, 1), true)).toBe(VERIFY_EXIT.intact);
    expect(verifyExitOf(held(10, 8, 1), false)).toBe(VERIFY_EXIT.unanchored);
    expect(verifyExitOf(held(10, 10, 1), false)).toBe(VERIFY_EXIT.intact);
  });

  test('--json says why a tail was not accepted', () => {
    // Prepare
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
    // Act
    const code = printAudit(held(2, 0, 0), true, true);
    log.mockRestore();
    // Assess
    expect(code).toBe(VERIFY_EXIT.unanchored);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ ok: false, verdict: 'unanchored', anchored: 0 });
  });
});
