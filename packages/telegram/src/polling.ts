import { ConfigError } from 'bottender';
import { ACKNOWLEDGED_OUTCOMES, type Delivery, type EventDispatcher, type Logger } from 'bottender/connector';

import type { TelegramClient } from './api-client';
import { TelegramApiError } from './api-error';
import { TelegramEvent } from './event';
import { checkUpdate } from './webhook';

/** What the polling loop needs to know. */
export interface PollingOptions {
  client: TelegramClient;
  logger: Logger;
  /** Seconds Telegram holds one `getUpdates` open waiting for updates. */
  timeout: number;
  allowedUpdates: string[] | undefined;
  /** `channels.telegram.polling`: true deletes a webhook that is set; otherwise one stops the loop. */
  deleteWebhook: boolean;
  /** Longest pause after a failed poll or an update that was not acknowledged. Default 30 s. */
  maxBackoffMs?: number;
}

/** Telegram returns at most this many updates per call. */
const BATCH = 100;

/**
 * Long polling through the runtime's pipeline (call {@link preparePolling} first): `getUpdates`, dispatch, and confirm.
 *
 * The offset lives at Telegram. Telegram keeps every update until a `getUpdates` call with a
 * higher `offset` confirms it, so the loop never keeps an offset of its own: it confirms an update
 * only once the runtime's delivery says it may (an outcome in ACKNOWLEDGED_OUTCOMES: committed,
 * a handler error, a duplicate, no session, held). The offset stops at the first update that was
 * not acknowledged (the store was down, the lease was lost, it timed out), so that update and the
 * ones after it come again; those already committed are then duplicates and do not run twice.
 * A restart asks Telegram without an offset and gets the first unconfirmed update: nothing
 * committed is lost, nothing is handled twice, whether the process stopped cleanly or not.
 */
export async function runPolling(dispatcher: EventDispatcher<TelegramEvent>, signal: AbortSignal, options: PollingOptions): Promise<void> {
  const { client, logger } = options;
  if (signal.aborted) return;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let offset: number | undefined;
  let confirmed: number | undefined;
  let failures = 0;
  logger.info(`telegram: long polling (getUpdates, timeout ${options.timeout} s)`);
  try {
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        updates = await client.call(
          'getUpdates',
          { offset, limit: BATCH, timeout: options.timeout, allowed_updates: options.allowedUpdates },
          signal,
        );
        confirmed = offset;
      } catch (error) {
        if (signal.aborted) break;
        if (isFatal(error)) throw error;
        failures++;
        const wait = Math.min(maxBackoff, (error as TelegramApiError).retryAfter !== undefined ? (error as TelegramApiError).retryAfter! * 1000 : 500 * 2 ** Math.min(failures, 6));
        logger.warn(`telegram: getUpdates failed (${(error as Error).message}); polling again in ${Math.round(wait / 1000)} s`);
        await pause(wait, signal);
        continue;
      }
      failures = 0;
      if (!Array.isArray(updates) || updates.length === 0) continue;
      const { events, ids } = readUpdates(updates, logger);
      const deliveries: Delivery[] = events.length > 0 ? await dispatcher.dispatch(events, { receivedAt: Date.now() }) : [];
      const next = nextOffset(ids, deliveries, updates);
      if (next.stoppedAt !== undefined) {
        failures++;
        const wait = Math.min(maxBackoff, 500 * 2 ** Math.min(failures, 6));
        logger.warn(
          `telegram: update ${next.stoppedAt} was not acknowledged (${next.outcome}); it and the updates after it ` +
            `come again in ${Math.round(wait / 1000)} s`,
        );
        await pause(wait, signal);
      }
      if (next.offset !== undefined) offset = next.offset;
    }
  } finally {
    // Confirm what was committed since the last poll, so a restart does not get it again (it would
    // be a duplicate, but it costs a store read). Bounded: a stop must not hang on the network.
    if (offset !== undefined && offset !== confirmed) await confirm(client, offset, logger);
  }
}

/** Why polling cannot go on: a wrong token (401), another poller or a webhook (409), a bad request. */
function isFatal(error: unknown): boolean {
  return error instanceof TelegramApiError && error.errorCode !== 429 && error.errorCode < 500;
}

interface ReadUpdates {
  events: TelegramEvent[];
  /** The update_id of each event, in order. */
  ids: number[];
}

/** Turns `getUpdates`' result into events; an entry that is not an update is logged and skipped. */
function readUpdates(updates: unknown[], logger: Logger): ReadUpdates {
  const events: TelegramEvent[] = [];
  const ids: number[] = [];
  for (const update of updates) {
    try {
      const checked = checkUpdate(update, () => new Error('not an update'));
      events.push(new TelegramEvent(checked));
      ids.push(checked.update_id);
    } catch {
      logger.warn('telegram: getUpdates returned an entry without an integer update_id; skipped');
    }
  }
  return { events, ids };
}

/**
 * The offset that confirms every update up to the first one not acknowledged. Updates that could
 * not be read are passed over (confirmed with those around them: they would never be readable).
 */
function nextOffset(
  ids: number[],
  deliveries: Delivery[],
  updates: unknown[],
): { offset: number | undefined; stoppedAt?: number; outcome?: string } {
  let offset: number | undefined;
  for (let i = 0; i < ids.length; i++) {
    const outcome = deliveries[i]?.outcome;
    if (outcome === undefined || !ACKNOWLEDGED_OUTCOMES.has(outcome)) return { offset, stoppedAt: ids[i], outcome: outcome ?? 'no delivery' };
    offset = ids[i] + 1;
  }
  // Every update was acknowledged: past the last entry, readable or not.
  const last = (updates[updates.length - 1] as { update_id?: unknown } | null)?.update_id;
  if (typeof last === 'number' && Number.isSafeInteger(last) && (offset === undefined || last + 1 > offset)) offset = last + 1;
  return { offset };
}

/** Confirms updates below `offset` without waiting for new ones. */
async function confirm(client: TelegramClient, offset: number, logger: Logger): Promise<void> {
  try {
    await client.call('getUpdates', { offset, limit: 1, timeout: 0 }, AbortSignal.timeout(5_000));
  } catch (error) {
    logger.warn(`telegram: could not confirm the last updates on stop (${(error as Error).message}); the next start gets them again and skips them as duplicates`);
  }
}

/**
 * Telegram refuses `getUpdates` while a webhook is set. With `polling: true` the webhook is
 * deleted (pending updates kept) and the log says so; otherwise the loop stops with what to do.
 */
export async function preparePolling(options: PollingOptions, signal?: AbortSignal): Promise<void> {
  const info = await options.client.call('getWebhookInfo', signal);
  if (!info.url) return;
  const where = originOf(info.url);
  if (!options.deleteWebhook) {
    throw new ConfigError(
      `telegram: a webhook is set for this bot (${where}), and Telegram refuses long polling while one is. ` +
        'Run `bottender dev --telegram-polling` (or set channels.telegram.polling: true) to delete it and poll, ' +
        'delete it with `bottender telegram webhook delete`, or serve the webhook with `bottender start`',
    );
  }
  await options.client.call('deleteWebhook', { drop_pending_updates: false }, signal);
  options.logger.warn(
    `telegram: deleted the webhook (${where}) so long polling can run; pending updates are kept. ` +
      'Set it again with `bottender telegram webhook set --url <https url>`',
  );
}

/** Scheme and host of a webhook URL: its path may hold a secret. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'a URL that does not parse';
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
