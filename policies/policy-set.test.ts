import { readFileSync } from 'node:fs';
import type { IntentInput } from '../lambdas/core/intent.js';
import { evaluatePolicy, policySetHash } from '../lambdas/core/policy/evaluate.js';
import type { PolicyRule, PolicySignals } from '../lambdas/core/policy/types.js';
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

  test("README's rule table lists every rule of the set", () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const listed = [...readme.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(policySet.map((r) => r.name).sort());
  });

  test('allows a compliant intent and reports every rule', () => {
    const evaluation = evaluatePolicy(contextFor(makeIntent()), policySet);
    expect(evaluation.verdict).toBe('allow');
    expect(evaluation.failed).toEqual([]);
    expect(evaluation.results.map((r) => r.rule)).toEqual(policySet.map((r) => r.name));
    expect(evaluation.policySetHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('denies when any rule fails and lists the failures', () => {
    const intent = makeIntent((d) => {
      d.authority.requester = 'mallory';
      d.change.payload = { 'dark-mode': { enabled: true }, password: 'hunter2' };
    });
    const evaluation = evaluatePolicy(contextFor(intent), policySet);
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

/** For every rule, an intent and instant it fails on (or, for a flagging rule, flags). */
const failing: Record<string, { edit: (d: IntentInput) => void; at?: string; signals?: PolicySignals }> = {
  'authority-owner-or-delegate': {
    edit: (d) => {
      d.authority.requester = 'mallory';
    },
  },
  'authority-profile-roles': {
    edit: (d) => {
      d.authority = { requester: 'erin', team: 'revenue', role: 'engineer' };
      d.change = {
        service: 'pricing-engine',
        profile: 'discount-policy',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {},
      };
    },
  },
  'authority-emergency-override': {
    edit: (d) => {
      d.authority = {
        requester: 'bob',
        team: 'growth',
        role: 'engineer',
        emergencyOverride: true,
      };
    },
  },
  'authority-not-revoked': {
    edit: () => {},
    signals: {
      authorityRevoked: 'authority of bob over launch-flags revoked by alice',
    },
  },
  'operational-freeze-window': { edit: () => {}, at: '2026-12-24T12:00:00Z' },
  'operational-business-hours': {
    edit: (d) => {
      d.constraints = { reversibility: 'irreversible' };
    },
    at: '2026-11-07T12:00:00Z',
  },
  'operational-error-budget': {
    edit: (d) => {
      d.authority = { requester: 'sam', team: 'support', role: 'support-lead' };
      d.change = {
        service: 'support-escalation',
        profile: 'escalation',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {},
      };
    },
  },
  'security-no-literal-secrets': {
    edit: (d) => {
      d.change.payload = { apiKey: 'sk-live-1234567890' };
    },
  },
  'compliance-reviewer-of-record': {
    edit: (d) => {
      d.authority = { requester: 'paul', team: 'finance', role: 'controller' };
      d.change = {
        service: 'ledger-close',
        profile: 'close-checklist',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {},
      };
    },
  },
  'legal-data-residency': {
    edit: (d) => {
      d.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
      d.change = {
        service: 'customer-onboarding',
        profile: 'verification',
        contractVersion: '1.2.0',
        kind: 'configuration',
        payload: { verificationRegion: 'ap-southeast-1' },
      };
    },
  },
  'legal-country-clearance': {
    edit: (d) => {
      d.authority = { requester: 'laura', team: 'people', role: 'engineering-manager' };
      d.change = {
        service: 'hiring-portal',
        profile: 'flags',
        contractVersion: '1.0.0',
        kind: 'feature-flag',
        payload: {},
      };
      d.tags = { country: 'FR' };
    },
  },
};

describe('every verdict explains itself', () => {
  test('every rule in the set has a failing case here', () => {
    expect(Object.keys(failing).sort()).toEqual(policySet.map((r) => r.name).sort());
  });

  test.each(policySet.map((r) => [r.name, r] as const))(
    '%s names what failed and what would pass',
    (name, rule) => {
      // Prepare
      const { edit, at, signals } = failing[name]!;
      const ctx = {
        ...contextFor(makeIntent(edit), at ? new Date(at) : undefined),
        ...(signals ? { signals } : {}),
      };

      // Act
      const result = rule.evaluate(ctx);

      // Assess: a flagging rule stays compliant but still says who must act.
      const flags = name === 'compliance-reviewer-of-record';
      expect(result.status).toBe(flags ? 'compliant' : 'non-compliant');
      expect(result.rule).toBe(name);
      expect(result.reason.length).toBeGreaterThan(20);
      expect(result.remedy?.length ?? 0).toBeGreaterThan(20);
      expect(result.reason).not.toMatch(/undefined|\[object Object\]/);
      expect(result.remedy).not.toMatch(/undefined|\[object Object\]/);
    },
  );
});
