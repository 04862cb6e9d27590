/** One entry of the `details` array of a LINE error answer. */
export interface LineErrorDetail {
  message?: string;
  property?: string;
}

/**
 * The Messaging API refused a call. LINE answers errors as `{ message, details? }`; both are kept
 * so a handler or a log line can tell "Invalid reply token" from a malformed message.
 */
export class LineApiError extends Error {
  constructor(
    /** `POST /v2/bot/message/reply`, ... */
    readonly endpoint: string,
    /** The HTTP status LINE answered. */
    readonly status: number,
    /** LINE's `message`, or a description when the answer was not LINE's JSON. */
    readonly lineMessage: string,
    readonly details: readonly LineErrorDetail[] = [],
    /** LINE's `x-line-request-id`, which LINE support asks for. */
    readonly requestId?: string,
  ) {
    super(
      `LINE API ${endpoint} answered ${status}: ${lineMessage}` +
        details
          .map((d) => `\n  - ${d.property ? `${d.property}: ` : ''}${d.message ?? ''}`)
          .join(''),
    );
    this.name = 'LineApiError';
  }

  /** True for LINE's answer to a reply token that expired or was already used. */
  get isInvalidReplyToken(): boolean {
    return this.status === 400 && /invalid reply token/i.test(this.lineMessage);
  }

  /** Builds the error from an answer's status and body text. */
  static fromAnswer(endpoint: string, status: number, bodyText: string, requestId?: string): LineApiError {
    let message = `unexpected answer (${bodyText.length} bytes, not LINE's error JSON)`;
    let details: LineErrorDetail[] = [];
    try {
      const body = JSON.parse(bodyText) as { message?: unknown; details?: unknown };
      if (typeof body?.message === 'string') message = body.message.slice(0, 1000);
      if (Array.isArray(body?.details)) {
        details = body.details.slice(0, 20).map((d: Record<string, unknown>) => ({
          message: typeof d?.message === 'string' ? d.message.slice(0, 500) : undefined,
          property: typeof d?.property === 'string' ? d.property.slice(0, 200) : undefined,
        }));
      }
    } catch {
      // Not JSON (a proxy's HTML page, for instance): keep the generic description.
    }
    return new LineApiError(endpoint, status, message, details, requestId);
  }
}

/** A Messaging API call that got no answer at all (connection refused, reset, timed out). */
export class LineNetworkError extends Error {
  constructor(
    readonly endpoint: string,
    cause: unknown,
  ) {
    super(`LINE API ${endpoint} could not be reached: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'LineNetworkError';
  }
}
