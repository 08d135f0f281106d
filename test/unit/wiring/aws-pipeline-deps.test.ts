import { ConfigurationError } from '../../../lambdas/core/errors.js';
import { appConfigReleaser } from '../../../lambdas/wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../../../lambdas/wiring/aws/pipeline-deps.js';

/** Each function composes only the adapters it uses; the rest answer with a ConfigurationError naming them. */
describe('awsPipelineDeps', () => {
  const env = { ITV_LEDGER_NAME: 'main' };

  test('an adapter the function is composed without fails on use with a ConfigurationError naming it', async () => {
    // Prepare
    const deps = await awsPipelineDeps('declare-intent', {}, env)();

    // Act
    const use = () => deps.releaser.check('launch-flags', 'launch-flags-prod', 'dep-1');

    // Assess
    expect(use).toThrow(ConfigurationError);
    expect(use).toThrow('the declare-intent function has no releaser');
    expect(() => deps.evidence.getObject('k')).toThrow('has no evidence store');
    expect(() => deps.telemetry.snapshot('s', new Date(0), new Date(1))).toThrow('has no telemetry');
  });

  test('without a signer there is none to sign with, and reading the public key names the function', async () => {
    const deps = await awsPipelineDeps('get-intent', {}, env)();

    expect(deps.signer).toBeUndefined();
    await expect(deps.publicKey()).rejects.toThrow(
      new ConfigurationError('the get-intent function has no signer to read the public key of'),
    );
  });

  test('an absent adapter is not mistaken for a promise', async () => {
    const deps = await awsPipelineDeps('learn', {}, env)();

    await expect(Promise.resolve(deps.releaser)).resolves.toBe(deps.releaser);
  });

  test('variables are read at first use: composing needs none, the ledger name is read when a stage reads it', async () => {
    // Prepare: composing, as a handler module does at import, with no variable set
    const deps = await awsPipelineDeps('start-release', { releaser: appConfigReleaser }, {})();

    // Act + Assess: a function without ledger access (AwaitLane) is given no ledger name and never reads it.
    expect(() => deps.ledgerName).toThrow('environment variable ITV_LEDGER_NAME is required but not set');
  });

  test('a composed adapter reads its own variables when first used', async () => {
    const deps = await awsPipelineDeps('start-release', { releaser: appConfigReleaser }, env)();

    expect(() => deps.releaser.check('launch-flags', 'launch-flags-prod', 'dep-1')).toThrow(
      'environment variable ITV_APPCONFIG_APPLICATION_ID is required but not set',
    );
  });
});
