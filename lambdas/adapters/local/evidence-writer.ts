import { parentPort, workerData } from 'node:worker_threads';
import { type EvidenceWrite, sentFailure } from './evidence-writes.js';
import { FileEvidenceStore } from './file-evidence-store.js';

// The thread that writes a home's evidence files (see threaded-evidence-store.ts): one write at a time, in the
// order asked, each answered with its URI or why it failed.
const port = parentPort;
if (port) {
  const store = new FileEvidenceStore((workerData as { root: string }).root);
  port.on('message', ({ id, key, body, contentType }: EvidenceWrite) => {
    store.putObject(key, body, contentType).then(
      (uri) => port.postMessage({ id, uri }),
      (error: unknown) => port.postMessage({ id, failure: sentFailure(error) }),
    );
  });
}
