import { createHash } from 'node:crypto';
import { LocalSigner } from '../lambdas/adapters/local/local-signer.js';
import { checkpointObjectBytes } from '../lambdas/core/evidence/checkpoint-object.js';
import { MerkleFrontier } from '../lambdas/core/evidence/frontier-tree.js';
import { canonicalJson, GENESIS_PREV_HASH } from '../lambdas/core/ledger/index.js';
import { DECISION_PAYLOAD_TYPE, signCheckpoint, signEnvelope } from '../lambdas/core/signing/index.js';

/**
 * Synthetic ledger exports for the benches, written straight into one buffer (a million entries is
 * ~600 MB, past V8's longest string). Entries are RFC 8785 text built from templates whose keys are already
 * in canonical order; signed entries carry real signatures by an in-memory P-256 key.
 */
export class ExportWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024 * 1024);
  private length = 0;
  private readonly frontier = MerkleFrontier.empty();
  private previous = GENESIS_PREV_HASH;
  readonly checkpoints: Array<{ value: unknown; source: string }> = [];
  signatures = 0;

  constructor(
    readonly signer: LocalSigner = LocalSigner.inMemory(),
    private readonly ledger = 'main',
  ) {}

  get size(): number {
    return this.frontier.size;
  }

  /** Appends one entry whose payload is already RFC 8785 JSON. */
  append(intentId: string, type: string, payloadJson: string): void {
    const seq = this.frontier.size;
    const timestamp = new Date(Date.UTC(2026, 10, 1) + seq * 1000).toISOString();
    const entry = `{"idempotencyKey":"${intentId}/${type}","intentId":"${intentId}","ledger":"${this.ledger}","payload":${payloadJson},"prevHash":"${this.previous}","seq":${seq},"timestamp":"${timestamp}","type":"${type}"}`;
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(entry)
      .digest();
    this.previous = leaf.toString('hex');
    this.frontier.push(leaf);
    this.write(`{"entry":${entry},"hash":"${this.previous}"}\n`);
  }

  /** A decision package signed as the decision stage signs it. */
  async appendDecision(intentId: string): Promise<void> {
    const body = Buffer.from(canonicalJson({ decisionId: `dec-${intentId}`, intent: { id: intentId } }));
    const envelope = await signEnvelope(DECISION_PAYLOAD_TYPE, body, this.signer);
    this.signatures++;
    const digest = createHash('sha256').update(body).digest('hex');
    this.append(intentId, 'decision.signed', canonicalJson({ digest, envelope }));
  }

  /** Signs the tree head over every entry so far; kept as an evidence-store object and, optionally, in the ledger. */
  async signHead(intentId: string, options: { inLedger: boolean }): Promise<void> {
    const checkpoint = {
      ledger: this.ledger,
      size: this.frontier.size,
      rootHash: this.frontier.root(),
      timestamp: new Date(Date.UTC(2026, 10, 1) + this.frontier.size * 1000).toISOString(),
    };
    const signed = { checkpoint, envelope: await signCheckpoint(checkpoint, this.signer) };
    this.signatures++;
    this.checkpoints.push({
      value: JSON.parse(Buffer.from(checkpointObjectBytes(signed)).toString('utf8')),
      source: `checkpoints/${this.ledger}/${checkpoint.size}`,
    });
    if (options.inLedger) this.append(intentId, 'checkpoint.signed', canonicalJson(signed));
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private write(line: string): void {
    const needed = Buffer.byteLength(line);
    if (this.length + needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + needed));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(line, this.length);
  }
}

const note = 'x'.repeat(320);

/** A release-step-like payload of ~400 bytes, canonical by construction. */
export function stepPayload(i: number): string {
  return `{"deploymentId":"dep-${i}","note":"${note}","percentage":${i % 100},"state":"DEPLOYING"}`;
}

/**
 * An export shaped like the pipeline's: intents of twelve entries, each with a signed decision and a signed
 * checkpoint at its end (in the ledger and in the evidence store), plus evidence-store checkpoints every
 * `interval` entries.
 */
export async function pipelineShapedExport(entries: number, interval: number): Promise<ExportWriter> {
  const writer = new ExportWriter();
  const steps = [
    'intent.declared',
    'structure.validated',
    'admission.admitted',
    'verification.passed',
    'release.started',
    'release.step',
    'release.step-2',
    'release.deployment-completed',
    'observation.recorded',
    'intent.concluded',
  ];
  let intent = 0;
  const intervalHead = async (intentId: string) => {
    if (writer.size % interval === 0) await writer.signHead(intentId, { inLedger: false });
  };
  while (writer.size < entries) {
    const intentId = `int-${String(intent++).padStart(8, '0')}`;
    for (const [index, type] of steps.entries()) {
      if (writer.size >= entries) break;
      writer.append(intentId, type, stepPayload(writer.size));
      await intervalHead(intentId);
      if (index === 2 && writer.size < entries) {
        await writer.appendDecision(intentId);
        await intervalHead(intentId);
      }
    }
    if (writer.size < entries) {
      await writer.signHead(intentId, { inLedger: true });
      await intervalHead(intentId);
    }
  }
  return writer;
}

/** An export of unsigned steps with a signed checkpoint (in the ledger and the evidence store) every `interval`. */
export async function stepExport(entries: number, interval: number): Promise<ExportWriter> {
  const writer = new ExportWriter();
  while (writer.size < entries) {
    const intentId = `int-${String(Math.floor(writer.size / 12)).padStart(8, '0')}`;
    if ((writer.size + 1) % interval === 0) await writer.signHead(intentId, { inLedger: true });
    else writer.append(intentId, 'release.step', stepPayload(writer.size));
  }
  return writer;
}
