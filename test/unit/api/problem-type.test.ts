import { problemType } from '../../../lambdas/api/problem.js';

/** A problem's `type` is the error's name in kebab case under urn:itv:problem: — an identifier clients match on. */
describe('problemType', () => {
  test.each([
    ['InvalidInputError', 'urn:itv:problem:invalid-input-error'],
    ['NotACheckReporterError', 'urn:itv:problem:not-a-check-reporter-error'],
    ['ContentTooLarge', 'urn:itv:problem:content-too-large'],
    ['HTTPError', 'urn:itv:problem:http-error'],
    ['Error2FAMissing', 'urn:itv:problem:error2-fa-missing'],
  ])('%s is %s', (error, type) => {
    expect(problemType(error)).toBe(type);
  });
});
