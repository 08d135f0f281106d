import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { isControlCharacter } from '../../../lambdas/core/intake/control-characters.js';
import { isOnlyDots } from '../../../lambdas/core/intent-id-syntax.js';
import { catalog } from './fixtures.js';

/*
 * Properties of intent declaration (intent schema + completeness + intent id) over generated input: the
 * parser is the first thing untrusted input meets, so it must answer every value with a result, never throw,
 * and the id it derives must depend on the intent's content and on nothing else.
 */

const folder = new URL('../../../examples/', import.meta.url);
const complete = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Record<string, unknown>)
  .filter((intent) => checkCompleteness(intent, catalog).ok);

/** Text an intent may show: the door refuses control characters in it (intent-door-text.test.ts). */
const shown = (value: string) =>
  [...value].map((char) => (isControlCharacter(char.charCodeAt(0)) ? '?' : char)).join('');
const text = (max: number) => fc.string({ unit: 'binary', minLength: 1, maxLength: max }).map(shown);
const instant = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** A complete intent: a published example with its free fields replaced by generated values. */
const intent = fc
  .record({
    base: fc.constantFrom(...complete),
    title: text(200),
    outcome: text(2000),
    timestamp: instant,
    // `__proto__` is refused at the door by design (intent-door.test.ts), so a complete intent has none.
    tags: fc.dictionary(
      text(64).filter((key) => key !== '__proto__'),
      fc.string({ unit: 'binary', maxLength: 256 }).map(shown),
      { maxKeys: 5 },
    ),
  })
  .map(({ base, title, outcome, timestamp, tags }) => {
    const draft = structuredClone(base) as Record<string, unknown> & { goal: Record<string, unknown> };
    draft.title = title;
    draft.goal.outcome = outcome;
    draft.timestamp = timestamp;
    draft.tags = tags;
    delete draft.id;
    return draft;
  });

/** The same value with every object's keys in reverse insertion order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reversed(item)]),
  );
}

const required = ['apiVersion', 'kind', 'title', 'goal', 'authority', 'timestamp', 'change'] as const;

describe('intent declaration properties', () => {
  test('answers any JSON value with a result, never an exception; a refusal names at least one field', () => {
    const nearIntent = intent.chain((draft) =>
      fc
        .tuple(fc.constantFrom(...Object.keys(draft)), fc.jsonValue({ maxDepth: 2 }))
        .map(([key, value]) => ({ ...draft, [key]: value })),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearIntent), (raw) => {
        const result = checkCompleteness(raw, catalog);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
          }
        }
      }),
    );
  });

  test('a complete intent is admitted with an id of int- and 20 hex digits', () => {
    fc.assert(
      fc.property(intent, (raw) => {
        const result = checkCompleteness(raw, catalog);
        expect(result).toMatchObject({ ok: true, intentId: expect.stringMatching(/^int-[0-9a-f]{20}$/) });
      }),
    );
  });

  test('the id does not depend on key order or the local-only simulation, and a client id wins', () => {
    fc.assert(
      fc.property(
        intent,
        fc
          .stringMatching(/^[A-Za-z0-9._:-]{1,128}$/)
          // Dots alone are path steps, refused as ids (intent-id.test.ts).
          .filter((id) => !isOnlyDots(id)),
        (raw, clientId) => {
          const id = (value: unknown) => {
            const result = checkCompleteness(value, catalog);
            if (!result.ok) throw new Error(JSON.stringify(result.issues));
            return result.intentId;
          };
          const simulated = { ...raw, simulation: { fault: { metric: 'errorRate', value: 0.2 } } };
          expect(id(reversed(raw))).toBe(id(raw));
          expect(id(simulated)).toBe(id(raw));
          expect(id({ ...raw, id: clientId })).toBe(clientId);
        },
      ),
    );
  });

  test('intents that differ in content have different ids', () => {
    fc.assert(
      fc.property(intent, text(200), (raw, title) => {
        fc.pre(title !== raw.title);
        const first = checkCompleteness(raw, catalog);
        const second = checkCompleteness({ ...raw, title }, catalog);
        expect(first.ok && second.ok && first.intentId !== second.intentId).toBe(true);
      }),
    );
  });

  test('the parsed intent declares again to the same id: defaults are applied once', () => {
    fc.assert(
      fc.property(intent, (raw) => {
        const first = checkCompleteness(raw, catalog);
        if (!first.ok) throw new Error(JSON.stringify(first.issues));
        const again = checkCompleteness(JSON.parse(JSON.stringify(first.intent)), catalog);
        expect(again).toMatchObject({ ok: true, intentId: first.intentId });
      }),
    );
  });

  test('a missing required field is refused naming that field', () => {
    fc.assert(
      fc.property(intent, fc.constantFrom(...required), (raw, field) => {
        const { [field]: _dropped, ...rest } = raw;
        const result = checkCompleteness(rest, catalog);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(field);
      }),
    );
  });

  test('a field the intent does not have is refused naming it', () => {
    const unknown = fc
      .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 })
      .filter(
        (key) => !(key in { ...complete[0], id: 1, constraints: 1, tags: 1, testResults: 1, simulation: 1 }),
      );
    fc.assert(
      fc.property(intent, unknown, (raw, key) => {
        const result = checkCompleteness({ ...raw, [key]: true }, catalog);
        expect(result).toEqual({
          ok: false,
          issues: [{ path: key, message: `${key} is not a field of an itv/v1 intent` }],
          storable: true,
        });
      }),
    );
  });
});
