import { noSpaceAmongCauses } from '../../../cli/no-space.js';

/** abstract-level's refusal to open, as the control plane receives it: LevelDB's own error only as the cause. */
function failedToOpen(cause: Error): Error {
  return Object.assign(new Error('Database failed to open', { cause }), { code: 'LEVEL_DATABASE_NOT_OPEN' });
}

describe('a full device behind an error that does not say so', () => {
  test("LevelDB's IO error under a store that failed to open is a full device", () => {
    const io = Object.assign(new Error('IO error: /home/a/.itv/tables/LOCK: No space left on device'), {
      code: 'LEVEL_IO_ERROR',
    });
    expect(noSpaceAmongCauses(failedToOpen(io))).toBe('no space left on the device');
  });

  test('a system error with ENOSPC or EDQUOT anywhere along the causes is one too', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const edquot = Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' });
    expect(noSpaceAmongCauses(new Error('start failed', { cause: failedToOpen(enospc) }))).toBe(
      'no space left on the device',
    );
    expect(noSpaceAmongCauses(failedToOpen(edquot))).toBe('the disk quota on the device is used up');
  });

  test('any other failure to open is not', () => {
    const corrupt = new Error('Corruption: checksum mismatch');
    expect(noSpaceAmongCauses(failedToOpen(corrupt))).toBeUndefined();
    expect(noSpaceAmongCauses('a string')).toBeUndefined();
    expect(noSpaceAmongCauses(undefined)).toBeUndefined();
  });
});
