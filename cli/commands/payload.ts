import type { PayloadRef } from '../../lambdas/core/intake/payload-ref.js';
import { actingAs } from '../api/acting-as.js';
import { chosenTarget, connect, type ItvApi } from '../api/itv-api.js';
import { JsonText } from '../api/json-text.js';
import type { ActingAs } from '../control-plane/client.js';
import { bodyFileLimit, readBytesFile } from './read-intent-file.js';

/**
 * `POST /payloads` with a file's bytes as they are: the stack checks them as it checks an inline payload and
 * stores them under their SHA-256 (the home's store locally, the evidence bucket of a deployed stack). Answers
 * the reference, or the API's refusal.
 */
export async function uploadPayload(
  api: ItvApi,
  file: string,
  as?: ActingAs,
  option?: string,
): Promise<
  { ok: true; ref: PayloadRef } | { ok: false; answer: Awaited<ReturnType<ItvApi['client']['call']>> }
> {
  const text = readBytesFile(file, option, bodyFileLimit).toString('utf8');
  const answer = await api.client.call<{ payloadRef: PayloadRef }>('POST', '/payloads', {
    body: new JsonText(text),
    ...(as ? { as } : {}),
  });
  if (answer.status >= 400) return { ok: false, answer };
  return { ok: true, ref: answer.body.payloadRef };
}

/** `itv payload put FILE`: uploads a payload too large to travel inline and prints the reference to name. */
export async function payloadPutCommand(
  file: string,
  options: { json?: boolean; as?: string },
): Promise<number> {
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv payload put');
  const api = await connect(target);
  const uploaded = await uploadPayload(api, file, as);
  if (!uploaded.ok) {
    const { printApiError } = await import('../control-plane/api-errors.js');
    return printApiError(uploaded.answer);
  }
  if (options.json) {
    console.log(JSON.stringify(uploaded.ref));
    return 0;
  }
  console.log(`stored ${file}: ${uploaded.ref.size} bytes, sha256 ${uploaded.ref.sha256}`);
  console.log('name it in the intent instead of change.payload:');
  console.log(`  "payloadRef": ${JSON.stringify(uploaded.ref)}`);
  return 0;
}
