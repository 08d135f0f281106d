import { loadCatalog } from '../../catalog/index.js';
import { sampleAccountWarning } from '../../infra/sample-account.js';

describe('deploying the sample catalog unedited', () => {
  test('the shipped catalog is warned of, naming the account and the principals still in it', () => {
    expect(sampleAccountWarning(loadCatalog())).toMatch(
      /^catalog\/principals\.ts still names the sample account 123456789012 for \d+ principal\(s\) \(alice, .*, …\): replace them/,
    );
  });

  test('a catalog whose identities are another account’s is not', () => {
    const catalog = structuredClone(loadCatalog());
    for (const principal of Object.values(catalog.principals))
      principal.identities = principal.identities.map((identity) => ({
        ...identity,
        account: '210987654321',
      }));
    expect(sampleAccountWarning(catalog)).toBeUndefined();
  });
});
