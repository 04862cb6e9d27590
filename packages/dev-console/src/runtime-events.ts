import type { Bot } from 'bottender';

import type { LogOutcome } from './log/event-log';

/** What the runtime tells about one event it handled, in the dev console's words. */
export interface RuntimeReport {
  platform: string;
  sessionId: string | undefined;
  eventId: string | undefined;
  outcome: LogOutcome;
  /** Time inside the handler, when it ran. */
  handlerMs?: number;
  /** The handler's throw, or the store's failure. */
  error?: unknown;
  /** The raw event, for events the page did not send. */
  rawEvent?: unknown;
}

/** The runtime's outcome names, and the 1.x-era ones `handleEvent` returned, as the log's. */
export function toLogOutcome(outcome: string): LogOutcome {
  switch (outcome) {
    case 'committed':
    case 'handled':
      return 'handled';
    case 'handler-error':
    case 'duplicate':
    case 'no-session':
    case 'deferred':
    case 'store-unavailable':
    case 'lease-lost':
    case 'timed-out':
    case 'earlier-refused':
    case 'failed':
      return outcome;
    default:
      return 'failed';
  }
}

/**
 * Listens to the runtime's per-event reports when the Bot offers them (`bot.observe`), and
 * returns the function that stops listening; undefined when this Bot has no such hook, in which
 * case outcomes are read from the webhook answers.
 */
export function observeRuntime(bot: Bot<any>, listener: (report: RuntimeReport) => void): (() => void) | undefined {
  const observe = (bot as unknown as { observe?: (fn: (report: any) => void) => () => void }).observe;
  if (typeof observe !== 'function') return undefined;
  return observe.call(bot, (report: any) => {
    listener({
      platform: String(report.platform),
      sessionId: typeof report.sessionId === 'string' ? report.sessionId : undefined,
      eventId: typeof report.eventId === 'string' ? report.eventId : undefined,
      outcome: toLogOutcome(String(report.outcome)),
      handlerMs: typeof report.handlerMs === 'number' ? report.handlerMs : undefined,
      error: report.error,
      rawEvent: report.event?.rawEvent,
    });
  });
}
