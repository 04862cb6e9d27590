import { HTTPFetchError } from '@line/bot-sdk';

import { LineApiError, LineNetworkError } from './api-error';

/**
 * Runs one call of the SDK's Messaging API client, turning its errors into this package's, so a
 * handler meets the same `LineApiError` (status, LINE's message and details, request id) from
 * every method. `endpoint` names the route with placeholders, never the ids in it.
 */
export async function callLine<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HTTPFetchError) {
      const requestId = error.headers?.get?.('x-line-request-id') ?? undefined;
      throw LineApiError.fromAnswer(endpoint, error.status, error.body ?? '', requestId);
    }
    throw new LineNetworkError(endpoint, error);
  }
}
