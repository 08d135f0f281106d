import { InvalidInputError } from '../lambdas/core/errors.js';
import { isOnlyDots } from '../lambdas/core/intent-id-syntax.js';

const whereIdsComeFrom = {
  intent: 'the id itv submit or itv list printed',
  delegation: 'the id granting it printed, GRANTEE~GRANTOR~EXPIRY',
} as const;

/**
 * Commander's parser of an `<id>` argument: an empty id is refused before the command runs. It names nothing
 * (`/intents/` is another route), and a message quoting it would read as though a word were missing. So is an
 * intent id of dots alone, which no intent has (`isOnlyDots`).
 */
export function nonEmptyId(kind: keyof typeof whereIdsComeFrom): (value: string) => string {
  return (value) => {
    if (value === '') {
      throw new InvalidInputError(`the ${kind} id is empty`, [
        { path: 'id', message: `is empty: give ${whereIdsComeFrom[kind]}` },
      ]);
    }
    // `.` and `..` are path steps: sent, `/intents/..` would be read as `/`, another route altogether.
    if (kind === 'intent' && isOnlyDots(value)) {
      throw new InvalidInputError('the intent id is only dots', [
        { path: 'id', message: `is only dots, which no intent's id is: give ${whereIdsComeFrom[kind]}` },
      ]);
    }
    return value;
  };
}
