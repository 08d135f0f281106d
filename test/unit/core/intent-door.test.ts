import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { intentLimits } from '../../../lambdas/core/intake/limits.js';
import { fallbackIntentId } from '../../../lambdas/core/pipeline/parsed-intent.js';
import { catalog, rawIntent } from './fixtures.js';

/*
 * Bounds at the door: hostile or careless input is refused by checkCompleteness with a field error that names
 * the limit and the actual value, never an exception, never a silently altered intent.
 */

type Draft = Record<string, unknown> & Record<'change' | 'goal' | 'authority', Record<string, unknown>>;

function edited(edit: (draft: Draft) => void): Draft {
  const draft = structuredClone(rawIntent()) as unknown as Draft;
  edit(draft);
  return draft;
}

function nested(levels: number): unknown {
  let value: unknown = true;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

const refusal = (raw: unknown) => {
  const result = checkCompleteness(raw, catalog, 'salt');
  if (result.ok) throw new Error('the intent was accepted');
  return result;
};

describe('the door: bounds every intent meets before it is parsed, hashed or stored', () => {
  test('payload nesting of 2,415 levels is a field error naming the depth and the limit, not a RangeError', () => {
    for (const withId of [false, true]) {
      const raw = edited((d) => {
        if (withId) d.id = 'ci-run-1';
        (d.change.payload as Record<string, unknown>).deep = nested(2415);
      });
      const result = refusal(raw);
      expect(result.storable).toBe(false);
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]?.path).toMatch(/^change\.payload\.deep(\.a)+$/);
      expect(result.issues[0]?.message).toMatch(/nests 2418 levels deep; an intent may nest at most 32$/);
    }
  });

  test('1e999 parses as Infinity: refused where it stands, in the payload or a numeric field', () => {
    const infinity = JSON.parse('1e999') as number;
    const inPayload = refusal(edited((d) => (d.change.payload = { limit: infinity })));
    expect(inPayload.issues).toEqual([
      {
        path: 'change.payload.limit',
        message: expect.stringMatching(/^change\.payload\.limit: must be a finite number, not Infinity/),
      },
    ]);
    const inTarget = refusal(edited((d) => (d.goal.target = -infinity)));
    expect(inTarget.issues[0]?.message).toMatch(/^goal\.target: must be a finite number, not -Infinity/);
  });

  test('years must be at least one day: 5e-324 is refused naming the minimum and the value', () => {
    const result = refusal(
      edited((d) => {
        (d.goal.valueModel as Record<string, unknown>).years = 5e-324;
      }),
    );
    expect(result.issues).toEqual([
      {
        path: 'goal.valueModel.years',
        message: 'goal.valueModel.years: must be at least one day (0.00274), got 5e-324',
      },
    ]);
    const oneDay = checkCompleteness(
      edited((d) => {
        (d.goal.valueModel as Record<string, unknown>).years = 1 / 365;
      }),
      catalog,
    );
    expect(oneDay.ok).toBe(true);
  });

  test('a value model whose compounded value is not a finite number of at most $1e15 is refused, naming its growth', () => {
    const model = (growth: unknown, years = 100, totalValueUsd = 1e13) =>
      edited((d) => Object.assign(d.goal.valueModel as object, { growth, years, totalValueUsd }));
    const overflow = refusal(model({ model: 'continuous', rate: 10 }));
    expect(overflow.storable).toBe(true);
    expect(overflow.issues).toEqual([
      {
        path: 'goal.valueModel.growth',
        message: expect.stringMatching(
          /^goal\.valueModel\.growth: compounds \$10000000000000 over 100 years to Infinity; the compounded value must be a finite number of at most \$1e\+15/,
        ),
      },
    ]);
    for (const growth of [
      { model: 'discrete', rate: 10 },
      { model: 'compound', rate: 5, flywheelRate: 5 },
    ]) {
      expect(refusal(model(growth)).issues[0]?.path).toBe('goal.valueModel.growth');
    }
    // Finite but beyond the bound: 1e13 × e^(0.1 × 100) is 2.2e17.
    expect(refusal(model({ model: 'continuous', rate: 0.1 })).issues[0]?.message).toMatch(
      /to 2\.2e\+17; the compounded value must be/,
    );
    expect(checkCompleteness(model({ model: 'continuous', rate: 0.1 }, 10, 1e6), catalog).ok).toBe(true);
    expect(checkCompleteness(model({ model: 'none' }), catalog).ok).toBe(true);
  });

  test("a value of the wrong kind is named with the kind it must be and the kind it is, in the door's words", () => {
    const result = refusal(
      edited((d) => {
        (d as Record<string, unknown>).title = 5;
        (d.goal.valueModel as Record<string, unknown>).totalValueUsd = 'lots';
        (d as Record<string, unknown>).tags = [];
        (d as Record<string, unknown>).authority = null;
      }),
    );
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: 'title', message: 'title: must be a string, got a number' },
        {
          path: 'goal.valueModel.totalValueUsd',
          message: 'goal.valueModel.totalValueUsd: must be a number, got a string',
        },
        { path: 'tags', message: 'tags: must be an object, got an array' },
        { path: 'authority', message: 'authority: must be an object, got null' },
      ]),
    );
    expect(result.issues.map((issue) => issue.message).join('\n')).not.toMatch(/Invalid input/);
  });

  test('a 10 MB title fails on the title limit, with its length, not on the item size', () => {
    const result = refusal(edited((d) => (d.title = 'x'.repeat(10 * 1024 * 1024))));
    expect(result.issues).toEqual([
      { path: 'title', message: 'title: must be at most 200 characters, got 10485760 characters' },
    ]);
  });

  test('an intent larger than the pipeline carries is refused with the limit and its size', () => {
    const payload = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`flag-${i}`, 'v'.repeat(1000)]),
    );
    const result = refusal(edited((d) => (d.change.payload = payload)));
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.path).toBe('');
    expect(result.issues[0]?.message).toMatch(
      new RegExp(
        `^intent: is \\d{6} bytes of JSON; the pipeline carries an intent of at most ${intentLimits.bytes} bytes`,
      ),
    );
  });

  test('strings, keys and arrays without a field limit of their own meet the generic ones', () => {
    const result = refusal(
      edited((d) => {
        d.change.payload = {
          note: 'n'.repeat(intentLimits.stringLength + 1),
          [`k${'e'.repeat(300)}`]: true,
          list: Array.from({ length: intentLimits.arrayLength + 1 }, () => 0),
        };
      }),
    );
    expect(result.issues.map((i) => i.message).sort()).toEqual([
      `change.payload.list: has ${intentLimits.arrayLength + 1} items; an array may hold at most ${intentLimits.arrayLength}`,
      `change.payload.note: is ${intentLimits.stringLength + 1} characters long; a string may hold at most ${intentLimits.stringLength}`,
      `change.payload.{key 1}: key is 301 characters long; a key may hold at most ${intentLimits.keyLength}`,
    ]);
  });

  test('a __proto__ key is refused, not silently dropped', () => {
    const raw = JSON.parse(
      JSON.stringify(rawIntent()).replace('"payload":{', '"payload":{"__proto__":{"enabled":true},'),
    );
    const result = refusal(raw);
    expect(result.issues).toEqual([
      {
        path: 'change.payload.__proto__',
        message: expect.stringContaining('"__proto__" is reserved'),
      },
    ]);
  });

  test("a test result's link is http(s) without a credential in it, as a check report's is: the ledger keeps it for good", () => {
    const linked = (url: string) => edited((d) => (d.testResults = [{ check: 'unit', passed: true, url }]));
    // A password in it is a secret wherever it stands, and refused as one; a user name alone is refused here.
    expect(refusal(linked('https://ci:hunter2@ci.example.com/runs/1')).issues).toEqual([
      {
        path: 'testResults.0.url',
        message: expect.stringContaining('holds a secret (rule itv:url-credentials); refused and not stored'),
      },
    ]);
    expect(refusal(linked('https://ci@ci.example.com/runs/1')).issues).toEqual([
      {
        path: 'testResults.0.url',
        message:
          'testResults.0.url: must not carry a user name or password (user:password@host): the ledger keeps it for good',
      },
    ]);
    expect(refusal(linked('https://ci.example.com/runs/1?token=abcdef')).issues).toEqual([
      {
        path: 'testResults.0.url',
        message:
          'testResults.0.url: must not carry a credential (query parameter "token"): the ledger keeps it for good',
      },
    ]);
    // One that looks like a credential (letters and digits) is refused before, as a secret, wherever it stands.
    expect(refusal(linked('https://ci.example.com/runs/1?token=abc123')).issues).toEqual([
      {
        path: 'testResults.0.url',
        message: expect.stringContaining(
          'holds a secret (rule itv:credential-assignment); refused and not stored',
        ),
      },
    ]);
    expect(refusal(linked('javascript:alert(1)')).issues).toEqual([
      { path: 'testResults.0.url', message: 'testResults.0.url: must be an http(s) URL' },
    ]);
    expect(checkCompleteness(linked('https://ci.example.com/runs/1?attempt=2'), catalog, 'salt').ok).toBe(
      true,
    );
  });

  test("an AWS credentials line in a test result's detail or a payload note is refused naming the field", () => {
    const line = 'aws_secret_access_key=wJalrXUtnFEMIKbPxRfiCYzQvLmNoPqRsTuVwXyZ';
    const inDetail = refusal(
      edited((d) => (d.testResults = [{ check: 'unit', passed: true, detail: `env: ${line}` }])),
    );
    expect(inDetail.issues).toEqual([
      { path: 'testResults.0.detail', message: expect.stringContaining('holds a secret (rule itv:') },
    ]);
    const inNote = refusal(
      edited(
        (d) =>
          (d.change.payload = {
            rollout: { note: 'AWS_SECRET_ACCESS_KEY=k9Jq2mZx7Lp0Wv4Rt8Yb3Nc6Hd1Fg5Sa0Ue2Io4P' },
          }),
      ),
    );
    expect(inNote.issues).toEqual([
      { path: 'change.payload.rollout.note', message: expect.stringContaining('holds a secret (rule itv:') },
    ]);
    expect(JSON.stringify([inDetail, inNote])).not.toContain('wJalrXUtnFEMI');
    expect(JSON.stringify([inDetail, inNote])).not.toContain('k9Jq2mZx7Lp0');
  });

  test('a lone surrogate, which has no canonical form, is a field error and not a thrown TypeError', () => {
    const result = refusal(edited((d) => (d.tags = { team: 'growth\uD800' })));
    expect(result.issues).toEqual([
      { path: 'tags.team', message: expect.stringContaining('lone UTF-16 surrogate') },
    ]);
  });
});

describe('intent ids cannot be squatted', () => {
  test('an invalid intent carrying a valid one’s id is recorded under a digest of itself, not that id', () => {
    const invalid = edited((d) => {
      d.id = 'ci-run-4711';
      delete d.goal.valueModel;
    });
    expect(fallbackIntentId(invalid)).toMatch(/^int-[0-9a-f]{20}$/);
    expect(fallbackIntentId(invalid)).not.toBe('ci-run-4711');
  });

  test('a client id may not take the int- prefix content-derived ids use', () => {
    const result = refusal(edited((d) => (d.id = 'int-f7902b860108912dd9a0')));
    expect(result.issues).toEqual([
      { path: 'id', message: expect.stringMatching(/^id: must not start with "int-"/) },
    ]);
  });

  test('an id for input with no canonical form is still derived, not thrown', () => {
    expect(fallbackIntentId({ deep: nested(5000) })).toMatch(/^int-[0-9a-f]{20}$/);
    expect(fallbackIntentId({ title: '\uDC00' })).toMatch(/^int-[0-9a-f]{20}$/);
  });
});
