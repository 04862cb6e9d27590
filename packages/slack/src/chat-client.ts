import type {
  ChatPostEphemeralArguments,
  ChatPostEphemeralResponse,
  ChatPostMessageArguments,
  ChatPostMessageResponse,
} from '@slack/web-api';

import { SlackApiError, SlackNetworkError } from './api-error';
import type { SlackTransport } from './transport';

/** How often a rate-limited call is tried again, and the longest `Retry-After` waited for. */
const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * `chat.postMessage` and `chat.postEphemeral`, the calls nearly every event makes, with the SDK's
 * argument and answer types but not through the WebClient: the WebClient's own work per call
 * (a queue, a retry operation, form encoding, a debug line built whether logged or not) costs
 * about as much CPU as the HTTP call itself (measured: 117 µs per call through the WebClient on
 * this package's transport, 56 µs posted directly, both counting the local server's share).
 *
 * Posted as JSON with the bot token as a bearer header, which Slack accepts for these methods.
 * `{ ok: false, error }` becomes a {@link SlackApiError}; a 429 is waited out for as long as its
 * `Retry-After` says and tried again (Slack did not post it). Other failures are not retried: a
 * message whose answer was lost may have been posted, and posting it again would show it twice.
 */
export class ChatClient {
  readonly #headers: Record<string, string>;

  constructor(
    private readonly origin: string,
    accessToken: string,
    private readonly transport: SlackTransport,
  ) {
    this.#headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' };
  }

  postMessage(args: ChatPostMessageArguments): Promise<ChatPostMessageResponse> {
    return this.#call('chat.postMessage', JSON.stringify(args), true) as Promise<ChatPostMessageResponse>;
  }

  postEphemeral(args: ChatPostEphemeralArguments): Promise<ChatPostEphemeralResponse> {
    return this.#call('chat.postEphemeral', JSON.stringify(args), true) as Promise<ChatPostEphemeralResponse>;
  }

  /**
   * Posts without giving the answer back (what the context's queue does): a success is known by
   * its first bytes (`{"ok":true`), so its JSON is not parsed.
   */
  async send(method: 'chat.postMessage' | 'chat.postEphemeral', args: ChatPostMessageArguments | ChatPostEphemeralArguments): Promise<void> {
    await this.#call(method, JSON.stringify(args), false);
  }

  async #call(method: string, body: string, answerNeeded: boolean): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let answer;
      let text: string;
      try {
        answer = await this.transport.post(this.origin, `/api/${method}`, this.#headers, body);
        text = await answer.text();
      } catch (error) {
        throw new SlackNetworkError(method, error);
      }
      if (answer.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const seconds = Number(answer.headers.get('retry-after'));
        if (Number.isFinite(seconds) && seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS) {
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
          continue;
        }
      }
      if (!answerNeeded && answer.status === 200 && text.startsWith('{"ok":true')) return undefined;
      let parsed: { ok?: unknown } | undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (answer.status !== 200 || parsed?.ok !== true) throw SlackApiError.fromAnswer(method, parsed, answer.status);
      return parsed;
    }
  }
}
