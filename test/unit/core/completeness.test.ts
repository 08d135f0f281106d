import type { Catalog } from '../../../lambdas/core/catalog-schema.js';
import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { catalog, rawIntent } from './fixtures.js';

/** A raw intent loose enough to break on purpose. */
type Draft = Record<string, unknown> & Record<'change' | 'goal' | 'authority', Record<string, unknown>>;

function edited(edit: (draft: Draft) => void): unknown {
  const draft = structuredClone(rawIntent()) as unknown as Draft;
  edit(draft);
  return draft;
}

describe('checkCompleteness', () => {
  test('accepts a complete intent and derives its id', () => {
    const result = checkCompleteness(rawIntent(), catalog);
    expect(result).toMatchObject({ ok: true, intentId: expect.stringMatching(/^int-[0-9a-f]{20}$/) });
    if (result.ok) expect(result.intent.constraints.onRegression).toBe('rollback');
  });

  test('names a missing field by its dotted path', () => {
    const result = checkCompleteness(
      edited((d) => {
        delete d.change.contractVersion;
      }),
      catalog,
    );
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'change.contractVersion', message: 'change.contractVersion: is required' }],
      storable: true,
    });
  });

  test('names a malformed field and the reason', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.change.contractVersion = 'v1';
      }),
      catalog,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]?.path).toBe('change.contractVersion');
      expect(result.issues[0]?.message).toMatch(/semantic version/);
    }
  });

  test('a wrong literal and a malformed instant are named with what they must be and what was sent', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.apiVersion = 'itv/v2';
        d.timestamp = 'next tuesday';
        (d as Record<string, unknown>).constraints = { notBefore: 12 };
      }),
      catalog,
    );
    expect(result).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([
        { path: 'apiVersion', message: 'apiVersion: must be "itv/v1", got "itv/v2"' },
        {
          path: 'timestamp',
          message:
            'timestamp: must be an ISO-8601 instant with an offset (Z or ±hh:mm), such as 2026-11-04T15:00:00Z, got "next tuesday"',
        },
      ]),
    });
  });

  test('a literal left out is required, as every other field left out is', () => {
    const result = checkCompleteness(
      edited((d) => {
        delete (d as Partial<typeof d>).apiVersion;
        delete (d as Partial<typeof d>).kind;
      }),
      catalog,
    );
    expect(!result.ok && result.issues).toEqual([
      { path: 'apiVersion', message: 'apiVersion: is required' },
      { path: 'kind', message: 'kind: is required' },
    ]);
  });

  test('requires a value model', () => {
    const result = checkCompleteness(
      edited((d) => {
        delete d.goal.valueModel;
      }),
      catalog,
    );
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['goal.valueModel']);
  });

  test('names unknown fields', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.priority = 'urgent';
      }),
      catalog,
    );
    expect(!result.ok && result.issues).toEqual([
      { path: 'priority', message: 'priority is not a field of an itv/v1 intent' },
    ]);
  });

  test('rejects a service the catalog does not know', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.change.service = 'billing';
      }),
      catalog,
    );
    expect(!result.ok && result.issues).toEqual([
      { path: 'change.service', message: 'change.service "billing" is not in the service catalog' },
    ]);
  });

  test('rejects a profile the service does not have, listing those it has', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.change.profile = 'settings';
      }),
      catalog,
    );
    expect(!result.ok && result.issues[0]).toEqual({
      path: 'change.profile',
      message: 'change.profile "settings" does not exist on service "launch-flags" (profiles: flags)',
    });
  });

  test('rejects a change to a service without owners', () => {
    // Prepare: an orphaned copy of launch-flags.
    const orphaned: Catalog = {
      ...catalog,
      services: { ...catalog.services, 'launch-flags': { ...catalog.services['launch-flags']!, owners: [] } },
    };
    // Act
    const result = checkCompleteness(rawIntent(), orphaned);
    // Assess
    expect(!result.ok && result.issues[0]?.message).toMatch(/"launch-flags" has no owners/);
  });

  test('rejects a blank requester', () => {
    const result = checkCompleteness(
      edited((d) => {
        d.authority.requester = '   ';
      }),
      catalog,
    );
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['authority.requester']);
  });
});
