import { generateCatalog } from '../../../catalog/generate.js';
import { parseCatalog } from '../../../lambdas/core/parse-catalog.js';
import { evaluatePolicy } from '../../../lambdas/core/policy/evaluate.js';
import { fromLocal } from '../../../lambdas/core/policy/zoned-time.js';
import { blastRadiusOf } from '../../../lambdas/core/risk.js';
import { generatePolicySet } from '../../../policies/generate.js';
import { policySet } from '../../../policies/index.js';
import { makeIntent } from './fixtures.js';

describe('generated catalog for benchmarks', () => {
  test('validates like the shipped one, is deterministic, and has a heavy-tailed blast radius', () => {
    // Act
    const catalog = parseCatalog(generateCatalog({ services: 200 }));
    const again = generateCatalog({ services: 200 });
    const radii = Object.keys(catalog.services)
      .map((name) => blastRadiusOf(catalog, name).length)
      .sort((a, b) => a - b);

    // Assess
    expect(Object.keys(catalog.services)).toHaveLength(200);
    expect(again).toEqual(generateCatalog({ services: 200 }));
    expect(radii[100]).toBeLessThanOrEqual(3);
    expect(radii.at(-1)).toBeGreaterThan(50);
  });
});

describe('generated policy set', () => {
  test('holds the shipped rules and per-service rules up to the requested size, each named once', () => {
    // Prepare
    const catalog = parseCatalog(generateCatalog({ services: 60 }));

    // Act
    const rules = generatePolicySet(catalog, 100);

    // Assess
    expect(rules).toHaveLength(100);
    expect(new Set(rules.map((r) => r.name)).size).toBe(100);
    expect(rules.slice(0, policySet.length)).toEqual([...policySet]);
  });

  test('a per-service freeze rule denies its own service in its window and passes the others', () => {
    // Prepare
    const catalog = parseCatalog(generateCatalog({ services: 60 }));
    const rules = generatePolicySet(catalog, policySet.length + 2);
    const freeze = rules[policySet.length]!;
    const [target, other] = Object.values(catalog.services);
    const intentOn = (name: string) =>
      makeIntent((d) => {
        d.change = {
          service: name,
          profile: 'config',
          contractVersion: '1.0.0',
          kind: 'configuration',
          payload: {},
        };
      });
    // Sunday 8 November 2026, 03:00 in the service's own zone: inside the weekly maintenance window.
    const sundayNight = fromLocal({ year: 2026, month: 11, day: 8, hour: 3 }, target!.timeZone);

    // Act
    const own = evaluatePolicy(
      { intent: intentOn(target!.name), service: target!, catalog, now: sundayNight },
      [freeze],
    );
    const elsewhere = evaluatePolicy(
      { intent: intentOn(other!.name), service: other!, catalog, now: sundayNight },
      [freeze],
    );

    // Assess
    expect(freeze.name).toBe(`operational-freeze-${target!.name}`);
    expect(own.failed[0]?.reason).toContain(`${target!.name}-maintenance`);
    expect(elsewhere.verdict).toBe('allow');
  });
});
