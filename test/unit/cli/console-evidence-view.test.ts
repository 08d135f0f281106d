import { evidenceView } from '../../../cli/console/views/evidence-view.js';
import type { BundleVerification } from '../../../lambdas/core/evidence/verify-bundle.js';

const files = new Map([['outcome.json', Buffer.from('{}')]]);
const passed: BundleVerification = { ok: true, intentId: 'int-1', keyid: 'abc', checks: [] };

describe('the console evidence view', () => {
  test('tells how to verify the downloaded bundle against a key one holds, never against its own alone', () => {
    // Act
    const page = evidenceView('int-1', files, passed, true).toString();

    // Assess
    // The folder the tar unpacks to, named: a user who unpacks it where they are runs the command as it is.
    expect(page).toContain('it unpacks to the folder\n<code>itv-evidence-int-1</code>');
    expect(page).toContain('<code>itv evidence verify itv-evidence-int-1 --public-key KEY.pem</code>');
    expect(page).toContain('<code>docs/verify-bundle.sh --public-key KEY.pem</code>');
    expect(page).not.toMatch(/<code>itv evidence verify DIR<\/code>/);
  });

  test("with the stack's key pinned, a passing bundle is verified and the page says whose key it was", () => {
    // Act
    const page = evidenceView('int-1', files, passed, true).toString();

    // Assess
    expect(page).toContain('<span class="badge ok">verified</span>');
    expect(page).toContain('pinned from the stack this console runs beside');
    expect(page).not.toContain('(the bundle&#39;s own public-key.pem)');
  });

  test("with no key pinned, checks that pass under the bundle's own key are not called verified", () => {
    // Act
    const page = evidenceView('int-1', files, passed, false).toString();

    // Assess
    expect(page).not.toContain('<span class="badge ok">verified</span>');
    expect(page).toContain('NOT VERIFIED: no key pinned');
    expect(page).toContain('only shows it agrees with itself');
  });
});
