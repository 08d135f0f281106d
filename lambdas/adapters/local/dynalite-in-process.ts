import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

type RequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;

interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * An SDK request handler that hands each request to dynalite's own HTTP request listener in this process,
 * without a socket: the request is the SDK's request as it would go on the wire (method, path, headers, body),
 * and the answer is what dynalite writes (status, headers, body). Everything the SDK does (marshalling, its
 * authorization header, retries, error parsing) and everything dynalite does (validation, conditions, LevelDB) still runs;
 * only the loopback TCP connection and the HTTP parsing on both ends do not. For the process that owns the
 * home's dynalite; other processes still reach it over HTTP.
 */
export function inProcessDynaliteHandler(server: Server): RequestHandler {
  const [listener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (listener === undefined) throw new Error('dynalite server has no request listener');
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle(request: SdkRequest): Promise<{ response: unknown }> {
      return new Promise((resolve, reject) => {
        const req = Object.assign(new EventEmitter(), {
          method: request.method,
          url: urlOf(request),
          headers: lowerCased(request.headers),
        });
        const headers: Record<string, string> = {};
        const res = {
          statusCode: 200,
          setHeader(name: string, value: string | number) {
            headers[name.toLowerCase()] = String(value);
          },
          end(body?: string | Buffer) {
            const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
            resolve({ response: { statusCode: res.statusCode, headers, body: Readable.from([bytes]) } });
          },
        };
        try {
          listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
          const body = request.body;
          if (body !== undefined && body.length > 0) {
            // The SDK's JSON body may be a Uint8Array subclass whose valueOf is a string: view its bytes.
            req.emit(
              'data',
              typeof body === 'string'
                ? Buffer.from(body)
                : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
            );
          }
          req.emit('end');
        } catch (error) {
          reject(error);
        }
      });
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return handler as unknown as RequestHandler;
}

function urlOf(request: SdkRequest): string {
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, value]) =>
      value === null
        ? [encodeURIComponent(key)]
        : (Array.isArray(value) ? value : [value]).map(
            (v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`,
          ),
    )
    .join('&');
  return query ? `${request.path}?${query}` : request.path;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
