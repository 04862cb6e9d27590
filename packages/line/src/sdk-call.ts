import { HTTPFetchError } from '@line/bot-sdk';

import { LineApiError, LineNetworkError } from './api-error';
import { debugLine } from './debug';

/**
 * Runs one call of the SDK's Messaging API client, turning its errors into this package's, so a
 * handler meets the same `LineApiError` (status, LINE's message and details, request id) from
 * every method. `endpoint` names the route with placeholders, never the ids in it.
 */
export async function callLine<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
  const started = debugLine.enabled ? Date.now() : 0;
  try {
    const result = await call();
    if (started) debugLine('%s ok %dms', endpoint, Date.now() - started);
    return result;
  } catch (error) {
    if (started) debugLine('%s failed %dms', endpoint, Date.now() - started);
    if (error instanceof HTTPFetchError) {
      const requestId = error.headers?.get?.('x-line-request-id') ?? undefined;
      throw LineApiError.fromAnswer(endpoint, error.status, error.body ?? '', requestId);
    }
    throw new LineNetworkError(endpoint, error);
  }
}
