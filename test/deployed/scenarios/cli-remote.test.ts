import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedRequest } from '../../../cli/remote/signed-request.js';
import { runItv } from '../../support/run-itv.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  reviewerCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { SignedApiFront } from '../harness/signed-api-front.js';
import { deployedRegion } from '../harness/template.js';

/**
 * The `itv` CLI itself, as a user runs it, against the deployed stack: a context read from the
 * CloudFormation stack's outputs, every request signed with SigV4 from the standard credential chain
 * (here AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, one pair per person) and verified at API Gateway's door,
 * the same commands and exit codes as on the local stack.
 */
describe('one CLI, the deployed stack as its target', () => {
  let stack: DeployedStack;
  let front: SignedApiFront;
  let work: string;
  let motoEndpoint: string;
  const files = ['01-low-risk-flag.json', '04-high-risk-review.json'];
  /** The intents the scenarios submitted: the audit waits for their executions to end. */
  const submittedIds: string[] = [];

  /** `itv …` in a process of its own, in the `deployed` context, signing as `who`. */
  const itvAs = (who: { accessKeyId: string; secretAccessKey: string } | undefined, args: string[]) =>
    runItv(join(work, 'home'), args, {
      env: {
        ITV_CONFIG_DIR: join(work, 'config'),
        ITV_POLL_MS: '500',
        AWS_ACCESS_KEY_ID: who?.accessKeyId ?? '',
        AWS_SECRET_ACCESS_KEY: who?.secretAccessKey ?? '',
        AWS_ENDPOINT_URL_CLOUDFORMATION: motoEndpoint,
        AWS_ENDPOINT_URL_S3: motoEndpoint,
        AWS_REGION: deployedRegion,
        // No profile or SSO cache of the machine's user may stand in for the person a test signs as.
        AWS_CONFIG_FILE: join(work, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
      },
    });
  /** A sample declared at the stack's now, written to a file as a user would have it. */
  const intentFile = (file: string) => {
    const path = join(work, file);
    writeFileSync(path, JSON.stringify(declaredAt(example(file), stack.clock.now())));
    return path;
  };

  beforeAll(async () => {
    const environment = suiteEnvironment();
    motoEndpoint = environment.motoEndpoint;
    stack = await deployStack({ ...environment, start: unblockedStart(files) });
    front = new SignedApiFront(stack, deployedRegion);
    const apiUrl = await front.start();
    work = mkdtempSync(join(tmpdir(), 'itv-cli-remote-'));
    // The stack's outputs as `cdk deploy` leaves them, on CloudFormation (moto): the API's URL and the bucket.
    // The evidence bucket, not the bucket its access logs go to.
    const bucket = stack.template.physicalOf(
      stack.template.ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('EvidenceBucket'))![0],
    ).ref;
    const template = {
      Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
      Outputs: { ApiUrl: { Value: `${apiUrl}/` }, EvidenceBucketName: { Value: bucket } },
    };
    const created = await signedRequest(
      new URL(motoEndpoint),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'CreateStack',
          StackName: 'Itv',
          TemplateBody: JSON.stringify(template),
          Version: '2010-05-15',
        }).toString(),
      },
      {
        region: deployedRegion,
        service: 'cloudformation',
        credentials: async () => ({ accessKeyId: 'AKIAADMINISTRATOR000', secretAccessKey: 'administrator' }),
      },
      30_000,
    );
    expect(created.status).toBe(200);
  });
  afterAll(async () => {
    await front?.stop();
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('`itv context add --stack` reads the stack outputs; the context file holds addresses, never a secret', async () => {
    // Act
    const alice = front.credentialsFor(personCalling('alice'), 'alice');
    const added = await itvAs(alice, [
      'context',
      'add',
      'deployed',
      '--stack',
      'Itv',
      '--region',
      deployedRegion,
      '--use',
    ]);
    const listed = await itvAs(alice, ['context', 'list', '--json']);

    // Assess
    expect([added.code, added.stderr]).toEqual([0, '']);
    const file = readFileSync(join(work, 'config', 'contexts.json'), 'utf8');
    expect(JSON.parse(listed.stdout)).toMatchObject({
      current: 'deployed',
      contexts: { deployed: { endpoint: front.url, region: deployedRegion, stack: 'Itv' } },
    });
    expect(file).not.toContain(alice.secretAccessKey);
    expect(file).not.toContain(alice.accessKeyId);
  });

  test('submit and status as the signing identity: released, exit 0; --as is refused; every request was signed', async () => {
    // Prepare
    const alice = front.credentialsFor(personCalling('alice'), 'alice');
    const before = front.requests.length;

    // Act
    const submitted = await itvAs(alice, ['submit', intentFile('01-low-risk-flag.json'), '--json']);
    const status = JSON.parse(submitted.stdout) as { intentId: string; status: string };
    submittedIds.push(status.intentId);
    const read = await itvAs(alice, ['status', status.intentId]);
    const naming = await itvAs(alice, ['submit', intentFile('01-low-risk-flag.json'), '--as', 'bob']);
    const unsigned = await itvAs(undefined, ['status', status.intentId]);

    // Assess
    expect([submitted.code, status.status]).toEqual([0, 'released']);
    expect([read.code, read.stdout]).toEqual([0, expect.stringMatching(/status +released/)]);
    expect(naming.code).toBe(1);
    expect(naming.stderr).toMatch(/--as: on the deployed stack deployed you act as the AWS identity/);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/NoCredentialsError/);
    const sent = front.requests.slice(before);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.every((request) => request.signed)).toBe(true);
    const declared = (await stack.ledger.forIntent(stack.ledgerName, status.intentId))[0]!.entry.payload as {
      submittedBy: { authenticatedAs: { method: string; arn: string } };
    };
    expect(declared.submittedBy.authenticatedAs).toMatchObject({
      method: 'aws-iam',
      arn: personCalling('alice').arn,
    });
  });

  test('a review parks the intent (exit 0); the requester may not approve it (exit 1); the reviewer of record does, and it releases (exit 0)', async () => {
    // Prepare
    const intent = example('04-high-risk-review.json');
    const requester = (intent.authority as { requester: string }).requester;
    const asRequester = front.credentialsFor(personCalling(requester), requester);
    const reviewer = front.credentialsFor(reviewerCalling(intent), 'reviewer');

    // Act
    const submitted = await itvAs(asRequester, ['submit', intentFile('04-high-risk-review.json'), '--json']);
    const parked = JSON.parse(submitted.stdout) as { intentId: string; status: string };
    submittedIds.push(parked.intentId);
    const bySelf = await itvAs(asRequester, ['review', parked.intentId, '--approve']);
    const approved = await itvAs(reviewer, ['review', parked.intentId, '--approve', '--reason', 'checked']);

    // Assess
    expect([submitted.code, parked.status]).toEqual([0, 'awaiting-review']);
    expect(bySelf.code).toBe(1);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/acting as your AWS identity \(SigV4\) on deployed/);
    expect(approved.stdout).toMatch(/review\.approved/);
    expect(approved.stdout).toMatch(/status +released/);
  });

  test('an auditor exports and verifies the ledger, pulls bundles through the API and straight from the bucket by date, and verifies them with the public key alone', async () => {
    // Prepare: an audit of a quiet ledger. A command returns once its intent has concluded; the execution then
    // still signs its closing checkpoint, and until it has, the last entries trail (exit 3, rightly).
    for (const id of submittedIds) await stack.finished(id);
    const auditor = front.credentialsFor(personCalling('xavier', 'ItvReviewers'), 'auditor');
    const ledgerFile = join(work, 'ledger.jsonl');
    const released = (await stack.ledger.read(stack.ledgerName)).find(
      (stored) => stored.entry.type === 'intent.concluded',
    );
    const intentId = released!.entry.intentId!;

    // Act
    const exported = await itvAs(auditor, ['ledger', 'export', '--out', ledgerFile, '--json']);
    const offline = await itvAs(auditor, [
      'ledger',
      'verify',
      '--file',
      ledgerFile,
      '--public-key',
      `${ledgerFile}.pub.pem`,
      '--json',
    ]);
    const online = await itvAs(auditor, ['ledger', 'verify', '--json']);
    const viaApi = await itvAs(auditor, [
      'evidence',
      'pull',
      intentId,
      '--out',
      join(work, 'via-api'),
      '--json',
    ]);
    const range = await itvAs(auditor, [
      'evidence',
      'pull',
      '--bucket',
      '--since',
      '2000-01-01',
      '--out',
      join(work, 'range'),
      '--json',
    ]);
    const pulled = JSON.parse(range.stdout) as { bundles: Array<{ intentId: string; out: string }> };
    const verified = await itvAs(undefined, [
      'evidence',
      'verify',
      '--public-key',
      `${ledgerFile}.pub.pem`,
      join(work, 'via-api'),
      ...pulled.bundles.map((bundle) => bundle.out),
      '--json',
    ]);
    const none = await itvAs(auditor, ['evidence', 'pull', '--bucket', '--until', '2000-01-01', '--json']);
    const value = await itvAs(auditor, ['value', 'report', '--by', 'service', '--json']);

    // Assess
    expect([exported.code, JSON.parse(exported.stdout).entries]).toEqual([0, expect.any(Number)]);
    expect([offline.code, JSON.parse(offline.stdout).ok]).toEqual([0, true]);
    expect([online.code, JSON.parse(online.stdout).ok]).toEqual([0, true]);
    expect(viaApi.code).toBe(0);
    expect(range.code).toBe(0);
    // Both released intents, and the reviewed one, have a bundle in the bucket.
    expect(pulled.bundles.map((bundle) => bundle.intentId)).toEqual(expect.arrayContaining([intentId]));
    expect(pulled.bundles.length).toBeGreaterThanOrEqual(2);
    expect(verified.code).toBe(0);
    const verdicts = JSON.parse(verified.stdout) as Array<{ ok: boolean }>;
    expect(verdicts).toHaveLength(1 + pulled.bundles.length);
    expect(verdicts.every((verdict) => verdict.ok)).toBe(true);
    expect(JSON.parse(none.stdout)).toMatchObject({ bundles: [] });
    expect([value.code, JSON.parse(value.stdout).groups.length]).toEqual([0, expect.any(Number)]);
  });
});
