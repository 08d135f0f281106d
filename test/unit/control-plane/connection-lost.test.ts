import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlPlaneClient, ControlPlaneLostError } from '../../../cli/control-plane/client.js';

/** A control plane that takes each request and dies under it: the connection drops with no answer. */
async function dyingControlPlane(): Promise<{ server: Server; url: string }> {
  const server = createServer((request) => request.socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('a control plane that stops answering a request', () => {
  test('is started again once; when that one drops the request too, the command says what happened and what to do', async () => {
    // Prepare: the next control plane (what `restart` finds) dies under the request as well.
    const { server, url } = await dyingControlPlane();
    const address = { pid: process.pid, url, secret: 'secret' };
    let restarts = 0;
    const client = new ControlPlaneClient(address, '/home/dana/.itv', async () => {
      restarts++;
      return { address };
    });

    // Act
    const error = await client.call('POST', '/intents', { body: { id: 'x' } }).catch((e: unknown) => e);
    server.close();

    // Assess: an error of itv's own (not a Node stack trace), naming the request, the log and the way on.
    expect(restarts).toBe(1);
    expect(error).toBeInstanceOf(ControlPlaneLostError);
    expect((error as Error).message).toMatch(
      /^the control plane for \/home\/dana\/\.itv stopped answering POST \/intents twice \(socket hang up\): .*\/home\/dana\/\.itv\/control-plane\.log\. Run the command again: an intent submitted again is answered as a duplicate/,
    );
  });
});
