import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cloudFormationEndpoint, stackOutputs } from '../../../cli/remote/stack-outputs.js';
import { verifySigV4 } from '../../support/sigv4-verify.js';

/** A DescribeStacks answer in CloudFormation's XML, as the Query API returns it. */
const describeStacks = `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>Itv</StackName><Outputs><member><OutputKey>ApiUrl</OutputKey><OutputValue>https://abc.execute-api.eu-west-1.amazonaws.com/v1/</OutputValue><Description>the API</Description></member><member><Description>x</Description><OutputKey>EvidenceBucketName</OutputKey><OutputValue>itv-evidence&amp;more</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`;
const missing = `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id Nope does not exist</Message></Error></ErrorResponse>`;

describe('reading a stack’s outputs from CloudFormation', () => {
  test('the endpoint is the region’s, or the one AWS_ENDPOINT_URL_CLOUDFORMATION / AWS_ENDPOINT_URL names', () => {
    expect(cloudFormationEndpoint('eu-west-1', {}).href).toBe(
      'https://cloudformation.eu-west-1.amazonaws.com/',
    );
    expect(cloudFormationEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }).href).toBe(
      'http://127.0.0.1:5000/',
    );
    expect(
      cloudFormationEndpoint('eu-west-1', {
        AWS_ENDPOINT_URL: 'http://a:1',
        AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://b:2',
      }).href,
    ).toBe('http://b:2/');
  });

  test('a signed DescribeStacks; outputs read whatever their order of fields; an error names the code and message', async () => {
    // Prepare
    const signatures: boolean[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const verdict = verifySigV4(
          { method: request.method!, target: request.url!, headers: request.headers, body },
          () => 'secret',
        );
        signatures.push(verdict.ok && verdict.service === 'cloudformation');
        const found = new URLSearchParams(body.toString()).get('StackName') === 'Itv';
        response
          .writeHead(found ? 200 : 400, { 'content-type': 'text/xml' })
          .end(found ? describeStacks : missing);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    };
    const target = {
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
    };
    try {
      // Act
      const outputs = await stackOutputs('Itv', target, env);
      const refused = stackOutputs('Nope', target, env);

      // Assess
      expect(outputs).toEqual({
        ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/',
        EvidenceBucketName: 'itv-evidence&more',
      });
      await expect(refused).rejects.toThrow('ValidationError: Stack with id Nope does not exist');
      expect(signatures).toEqual([true, true]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('CloudFormation out of reach is said as such, naming the endpoint and what to check, not as fetch failed', async () => {
    // Prepare: a port nothing listens on (taken, then freed).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const target = {
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
    };

    // Act
    const refused = stackOutputs('Itv', target, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });

    // Assess
    await expect(refused).rejects.toMatchObject({
      name: 'StackOutputsError',
      message: `CloudFormation (http://127.0.0.1:${port}) could not be reached to read stack Itv's outputs: ECONNREFUSED; check the network and --region, or give the API's URL with --endpoint instead of --stack`,
    });
  });
});
