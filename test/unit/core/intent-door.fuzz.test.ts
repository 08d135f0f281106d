import fc from 'fast-check';
import { fuzzTarget, hostileIntent } from '../../support/intent-fuzz.js';

/*
 * Fuzzing the door: generated hostile intents through the parser, completeness, id derivation and every entry
 * point (API function, EventBridge intake, DeclareIntent). None may throw, answer 500, or keep a secret.
 * A fixed seed and a bounded count keep this a few seconds; `npm run bench -- fuzz` runs 20,000.
 */

test('no generated intent crashes an entry point or gets a secret written', async () => {
  const fuzzOne = fuzzTarget();
  await fc.assert(
    fc.asyncProperty(hostileIntent, async (input) => {
      expect(await fuzzOne(input)).toEqual([]);
    }),
    { seed: 20261202, numRuns: 300 },
  );
});
