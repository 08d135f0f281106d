import { evaluatePolicy, policySetHash } from '../lambdas/core/policy/evaluate.js';
import type { PolicyRule } from '../lambdas/core/policy/types.js';
import { contextFor, makeIntent } from '../test/unit/core/fixtures.js';
import { policySet } from './index.js';

describe('the policy set', () => {
  test('names each rule once, with a version and a description', () => {
    const names = policySet.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of policySet) {
      expect(rule.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });

  test('allows a compliant intent and reports every rule', () => {
    const evaluation = evaluatePolicy(contextFor(makeIntent()));
    expect(evaluation.verdict).toBe('allow');
    expect(evaluation.failed).toEqual([]);
    expect(evaluation.results.map((r) => r.rule)).toEqual(policySet.map((r) => r.name));
    expect(evaluation.policySetHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('denies when any rule fails and lists the failures', () => {
    const intent = makeIntent((d) => {
      d.authority.requester = 'mallory@example.com';
      d.change.payload = { 'dark-mode': { enabled: true }, password: 'hunter2' };
    });
    const evaluation = evaluatePolicy(contextFor(intent));
    expect(evaluation.verdict).toBe('deny');
    expect(evaluation.failed.map((r) => r.rule)).toEqual([
      'authority-owner-or-delegate',
      'security-no-literal-secrets',
    ]);
  });

  test('fails closed when a rule throws', () => {
    const broken: PolicyRule = {
      name: 'broken',
      version: '0.0.1',
      domain: 'legal',
      description: 'a rule whose data is missing',
      evaluate: () => {
        throw new Error('contract clause library unavailable');
      },
    };
    const evaluation = evaluatePolicy(contextFor(makeIntent()), [broken]);
    expect(evaluation.verdict).toBe('deny');
    expect(evaluation.failed[0]).toMatchObject({ rule: 'broken', status: 'non-compliant' });
    expect(evaluation.failed[0]?.reason).toContain('contract clause library unavailable');
  });

  test('the hash identifies names, versions and parameters, not their order', () => {
    const base = policySetHash(policySet);
    const reordered = policySetHash([...policySet].reverse());
    const bumped = policySetHash(policySet.map((r, i) => (i === 0 ? { ...r, version: '9.9.9' } : r)));
    const reparametrised = policySetHash(policySet.map((r) => (r.parameters ? { ...r, parameters: [] } : r)));
    expect(reordered).toBe(base);
    expect(bumped).not.toBe(base);
    expect(reparametrised).not.toBe(base);
  });
});
