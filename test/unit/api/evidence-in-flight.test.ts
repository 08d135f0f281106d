import type { APIGatewayProxyEvent } from 'aws-lambda';
import { S3EvidenceStore } from '../../../lambdas/adapters/aws/s3-evidence-store.js';
import { getEvidence } from '../../../lambdas/api/get-evidence.js';
import { fakeS3Bucket } from '../../support/fake-s3-bucket.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';

const eventFor = (id: string) => ({ pathParameters: { id } }) as unknown as APIGatewayProxyEvent;

/** `GET /intents/{id}/evidence` before the intent has a bundle: the answer says when it will have one. */
describe('the evidence of an intent still in flight', () => {
  const bucket = fakeS3Bucket();
  afterAll(() => bucket.mock.reset());
  const deps = () => ({
    evidence: new S3EvidenceStore(bucket.client, 'itv-evidence'),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'main',
  });

  test('404 saying the bundle is sealed when the intent concludes, with the status it has now', async () => {
    // Prepare: an intent declared and admitted, not concluded.
    const d = deps();
    for (const type of ['intent.declared', 'structure.validated']) {
      await d.ledger.append('main', {
        intentId: 'int-1',
        type,
        idempotencyKey: `int-1/${type}`,
        timestamp: '2026-11-04T15:00:00.000Z',
        payload: type === 'intent.declared' ? { intent: { title: 'Raise the limit' } } : {},
      });
    }

    // Act
    const answer = await getEvidence(eventFor('int-1'), d);

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: 'NotFound',
      intentStatus: 'structure.validated',
      detail:
        'intent int-1 has no evidence bundle yet: its bundle is sealed when the intent concludes, and it is structure.validated now (itv status int-1)',
    });
  });

  test('404 naming an intent the ledger does not hold', async () => {
    const answer = await getEvidence(eventFor('int-unknown'), deps());
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({
      detail: 'no evidence bundle for intent int-unknown: no intent int-unknown on the ledger',
    });
  });

  test('404 for a concluded intent whose bundle the store does not hold', async () => {
    // Prepare
    const d = deps();
    const types = ['intent.declared', 'intent.concluded'];
    for (const type of types) {
      await d.ledger.append('main', {
        intentId: 'int-2',
        type,
        idempotencyKey: `int-2/${type}`,
        timestamp: '2026-11-04T15:00:00.000Z',
        payload:
          type === 'intent.declared' ? { intent: { title: 'Raise the limit' } } : { outcome: 'released' },
      });
    }
    // Act
    const answer = await getEvidence(eventFor('int-2'), d);
    // Assess
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ detail: 'no evidence bundle for intent int-2' });
  });
});
