import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { countryTags } from '../jurisdictions.js';

const name = 'legal-country-clearance';
const domain = 'legal';

function targetedCountries(tags: Record<string, string>): Array<{ tag: string; country: string }> {
  return countryTags.flatMap((tag) =>
    (tags[tag] ?? '')
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== '')
      .map((country) => ({ tag, country })),
  );
}

/**
 * Employment, consumer and AI rules differ by country, so a service legal has cleared for some countries
 * only takes changes that target those countries (the intent's `country` or `countries` tag).
 */
function evaluate({ intent, service }: PolicyContext): RuleResult {
  const cleared = service.legal?.clearedCountries;
  const targets = targetedCountries(intent.tags);
  if (!cleared || targets.length === 0) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: cleared
        ? `the change targets no particular country (no ${countryTags.join('/')} tag); ${service.name} runs only where it is cleared`
        : `${service.name} is not restricted to cleared countries`,
      context: { clearedCountries: cleared ?? null },
    };
  }
  const uncleared = targets.filter((t) => !cleared.includes(t.country));
  const context = { clearedCountries: cleared, targeted: targets.map((t) => t.country) };
  if (uncleared.length === 0) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${service.name} is cleared by legal for ${context.targeted.join(', ')}`,
      context,
    };
  }
  const countries = [...new Set(uncleared.map((t) => t.country))];
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${service.name} is not cleared by legal for ${countries.join(', ')} (tags.${uncleared[0]?.tag}); it is cleared for ${cleared.join(', ')}`,
    remedy: `Ask ${service.legal?.contact} to clear ${service.name} for ${countries.join(', ')}, or target only ${cleared.join(', ')}.`,
    context: { ...context, uncleared: countries },
  };
}

export const legalCountryClearance: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description: 'Changes target only the countries legal has cleared the service for (country tags).',
  evaluate,
};
