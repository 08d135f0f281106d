import { InvalidInputError } from '../lambdas/core/errors.js';

const whereIdsComeFrom = {
  intent: 'the id itv submit or itv list printed',
  delegation: 'the id granting it printed, GRANTEE~GRANTOR~EXPIRY',
} as const;

/**
 * Commander's parser of an `<id>` argument: an empty id is refused before the command runs. It names nothing
 * (`/intents/` is another route), and a message quoting it would read as though a word were missing.
 */
export function nonEmptyId(kind: keyof typeof whereIdsComeFrom): (value: string) => string {
  return (value) => {
    if (value !== '') return value;
    throw new InvalidInputError(`the ${kind} id is empty`, [
      { path: 'id', message: `is empty: give ${whereIdsComeFrom[kind]}` },
    ]);
  };
}
