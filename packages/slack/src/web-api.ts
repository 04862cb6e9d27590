import { ErrorCode, type Logger, LogLevel, WebClient } from '@slack/web-api';

import { SlackApiError, SlackNetworkError } from './api-error';
import type { SlackTransport } from './transport';

/** A logger for the SDK's clients that says nothing: see createWebClient. */
export const SILENT_LOGGER: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * The SDK's WebClient, set up for a bot: `<origin>/api/` as its base URL, our transport under it,
 * a few retries (network errors and 5xx), and 429s waited out for as long as `Retry-After` says
 * (the SDK does that itself) before the call is tried again.
 */
export function createWebClient(origin: string, accessToken: string, transport: SlackTransport): WebClient {
  return new WebClient(accessToken, {
    slackApiUrl: `${origin}/api/`,
    fetch: transport.fetch,
    // Failures reach the handler or the runtime's log as SlackApiErrors; the SDK's own log would repeat them.
    logger: SILENT_LOGGER,
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    // No per-call timeout signal (a timer and an AbortSignal per call): the transport's
    // headersTimeout and bodyTimeout bound every call instead.
    // A response_url or other absolute URL passed as a method name must not leave our origin.
    allowAbsoluteUrls: false,
  });
}

/**
 * Runs one WebClient call, turning its errors into this package's: a {@link SlackApiError} with
 * Slack's error code for `{ ok: false, error }` answers and non-200 statuses, a
 * {@link SlackNetworkError} when nothing answered. `method` names the Web API method.
 */
export async function callSlack<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSlackError(method, error);
  }
}

export function toSlackError(method: string, error: unknown): Error {
  if (error instanceof SlackApiError || error instanceof SlackNetworkError) return error;
  const coded = error as { code?: unknown; data?: unknown; statusCode?: number; body?: unknown; retryAfter?: number };
  switch (coded?.code) {
    case ErrorCode.PlatformError:
      return SlackApiError.fromAnswer(method, coded.data);
    case ErrorCode.HTTPError:
      return SlackApiError.fromAnswer(method, parseJson(coded.body), coded.statusCode);
    case ErrorCode.RateLimitedError:
      return new SlackApiError(method, 'ratelimited', [`retry after ${coded.retryAfter} s`], 429);
    case ErrorCode.RequestError:
      return new SlackNetworkError(method, (error as { original?: unknown }).original ?? error);
    default:
      return new SlackNetworkError(method, error);
  }
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Posts a message to a `response_url` (slash commands, actions, message shortcuts): JSON, one
 * attempt. The URL comes from Slack's signed payload; it must still be HTTPS (Slack's are
 * `https://hooks.slack.com/...`) or on the configured origin (a fake API in tests), so a payload
 * cannot point the bot's requests anywhere else.
 */
export async function postToResponseUrl(
  transport: SlackTransport,
  origin: string,
  responseUrl: string,
  message: Record<string, unknown>,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    throw new SlackApiError('response_url', 'invalid_response_url', ['the event\'s response_url is not a URL']);
  }
  if (url.protocol !== 'https:' && url.origin !== origin) {
    throw new SlackApiError('response_url', 'invalid_response_url', ['the event\'s response_url is not an https:// URL']);
  }
  let answer;
  try {
    answer = await transport.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
    });
  } catch (error) {
    throw new SlackNetworkError('response_url', error);
  }
  const text = await answer.text();
  const body = parseJson(text) as { ok?: unknown } | undefined;
  if (answer.status !== 200 || (typeof body === 'object' && body !== null && body.ok === false)) {
    throw SlackApiError.fromAnswer('response_url', body, answer.status);
  }
}
