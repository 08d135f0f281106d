import { evidenceView } from '../../../cli/console/views/evidence-view.js';

describe('the console evidence view', () => {
  test('tells how to verify the downloaded bundle against a key one holds, never against its own alone', () => {
    // Act
    const page = evidenceView('int-1', new Map([['outcome.json', Buffer.from('{}')]]), {
      ok: true,
      intentId: 'int-1',
      keyid: 'abc',
      checks: [],
    }).toString();

    // Assess
    expect(page).toContain('<code>itv evidence verify DIR --public-key KEY.pem</code>');
    expect(page).toContain('<code>docs/verify-bundle.sh --public-key KEY.pem</code>');
    expect(page).not.toMatch(/<code>itv evidence verify DIR<\/code>/);
  });
});
