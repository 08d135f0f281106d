import { type ConcludedIntent, dimensionKey } from '../../../lambdas/core/value-report.js';

const concluded = (tags: Record<string, string>): ConcludedIntent =>
  ({
    intentId: 'int-1',
    outcome: 'released',
    service: 'checkout',
    kind: 'feature-flag',
    tier: 1,
    tags,
  }) as ConcludedIntent;

/** A dimension is a built-in or a tag the intent carries as its own, never a name every object inherits. */
describe('dimensionKey', () => {
  test('a tag named as an inherited property reads the tag', () => {
    expect(dimensionKey(['constructor', 'service'])(concluded({ constructor: 'blue' }))).toEqual([
      'blue',
      'checkout',
    ]);
  });

  test.each(['toString', 'valueOf', 'hasOwnProperty', '__proto__'])(
    'an intent without the tag %p groups under none (null)',
    (name) => {
      expect(dimensionKey([name])(concluded({}))).toEqual([null]);
    },
  );
});
