/**
 * The Web API refused a call. Slack answers errors as `{ ok: false, error, response_metadata? }`
 * (with HTTP 200, mostly); `error` is the code to act on (`channel_not_found`, `not_in_channel`,
 * `invalid_auth`, `ratelimited`, ...), and `response_metadata.messages` says what was wrong with
 * the arguments.
 */
export class SlackApiError extends Error {
  constructor(
    /** `chat.postMessage`, `views.open`, ... or `response_url` */
    readonly method: string,
    /** Slack's error code, or `http_<status>` when the answer was not Slack's JSON. */
    readonly code: string,
    /** Slack's `response_metadata.messages`, when it gave any. */
    readonly messages: readonly string[] = [],
    /** The HTTP status, when the answer was not 200. */
    readonly status?: number,
  ) {
    super(`Slack API ${method} failed: ${code}${messages.map((m) => `\n  - ${m}`).join('')}`);
    this.name = 'SlackApiError';
  }

  /** Builds the error from Slack's answer body (any shape; only strings are kept, bounded). */
  static fromAnswer(method: string, body: unknown, status?: number): SlackApiError {
    const answer = (typeof body === 'object' && body !== null ? body : {}) as {
      error?: unknown;
      response_metadata?: { messages?: unknown };
    };
    const code =
      typeof answer.error === 'string' && answer.error !== ''
        ? answer.error.slice(0, 200)
        : status !== undefined && status !== 200
          ? `http_${status}`
          : 'unknown_error';
    const raw = answer.response_metadata?.messages;
    const messages = Array.isArray(raw)
      ? raw.filter((m): m is string => typeof m === 'string').slice(0, 20).map((m) => m.slice(0, 500))
      : [];
    return new SlackApiError(method, code, messages, status);
  }
}

/** A Web API call that got no answer at all (connection refused, reset, timed out). */
export class SlackNetworkError extends Error {
  constructor(
    readonly method: string,
    cause: unknown,
  ) {
    super(`Slack API ${method} could not be reached: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'SlackNetworkError';
  }
}
