import { readFileSync } from 'node:fs';
import { bundlePrefix } from '../../../lambdas/core/evidence/bundle-layout.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { deriveIntentId } from '../../../lambdas/core/intent-id.js';
import { isPossibleIntentId } from '../../../lambdas/core/intent-id-syntax.js';
import { makeIntent, rawIntent } from './fixtures.js';

describe('deriveIntentId', () => {
  test('uses the client id when the intent carries one', () => {
    const intent = makeIntent((d) => {
      d.id = 'ci-run-4711';
    });
    expect(deriveIntentId(intent)).toBe('ci-run-4711');
  });

  test('derives int- + 20 hex from the content, independent of key order', () => {
    // Prepare: the same intent with its keys in reverse order.
    const raw = rawIntent();
    const reversed = Object.fromEntries(Object.entries(raw).reverse());
    // Act
    const a = deriveIntentId(intentSchema.parse(raw));
    const b = deriveIntentId(intentSchema.parse(reversed));
    // Assess
    expect(a).toMatch(/^int-[0-9a-f]{20}$/);
    expect(b).toBe(a);
  });

  test('ignores the local simulation block but not the payload', () => {
    const plain = deriveIntentId(makeIntent());
    const simulated = deriveIntentId(
      makeIntent((d) => {
        d.simulation = { fault: { metric: 'errorRate', value: 0.2, atPercent: 30 } };
      }),
    );
    const changed = deriveIntentId(
      makeIntent((d) => {
        d.change.payload = { 'dark-mode': { enabled: false } };
      }),
    );
    expect(simulated).toBe(plain);
    expect(changed).not.toBe(plain);
  });

  test('is stable across releases for a published example', () => {
    const raw = JSON.parse(
      readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
    );
    expect(deriveIntentId(intentSchema.parse(raw))).toBe('int-f7902b860108912dd9a0');
  });
});

/** One rule for what an intent id may be: the API's `{id}`, the evidence store's folder and the contract agree. */
describe('isPossibleIntentId', () => {
  test.each(['.', '..', '...', '.'.repeat(128)])(
    'refuses %p, made only of dots: a URL reads it as a path step, never as a name',
    (id) => {
      expect(isPossibleIntentId(id)).toBe(false);
      expect(() => bundlePrefix(id)).toThrow(/cannot name a bundle/);
    },
  );

  test.each(['.a', 'a.', 'a..b', 'int-abc:attempt-2', 'x'.repeat(256)])(
    'accepts %p, and the evidence store names its folder after it',
    (id) => {
      expect(isPossibleIntentId(id)).toBe(true);
      expect(bundlePrefix(id)).toBe(`bundles/${id}/`);
    },
  );

  test('an own id made only of dots is refused by the contract with the reason', () => {
    const parsed = intentSchema.safeParse({ ...rawIntent(), id: '..' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['id'], message: expect.stringMatching(/^must not be only dots/) }),
    ]);
  });
});
