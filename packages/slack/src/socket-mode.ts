import { SocketModeClient } from '@slack/socket-mode';
import { Agent } from 'undici';
import { ACKNOWLEDGED_OUTCOMES, type Delivery, type EventDispatcher } from 'bottender/connector';

import type { DmChannels } from './dm-channels';
import type { SlackEvent } from './event';
import { eventFromCommand, eventFromInteraction, eventsFromCallback, type RetryInfo, withoutBotMessages } from './inputs';
import type { SlackTransport } from './transport';
import { SILENT_LOGGER } from './web-api';

/** What the Socket Mode loop needs from its connector. */
export interface SocketModeSettings {
  appToken: string;
  origin: string;
  transport: SlackTransport;
  includeBotMessages: boolean;
  dms: DmChannels;
  /** Where problems with single envelopes are reported. */
  warn: (message: string, error?: unknown) => void;
}

/** One message of Slack's Socket Mode, as the SDK's client hands it over (`slack_event`). */
interface SlackSocketEvent {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: unknown;
  retry_num?: number;
  retry_reason?: string;
}

/**
 * Receives Slack's inputs over Socket Mode with the SDK's `SocketModeClient` (it opens the
 * connection with `apps.connections.open` on `<origin>/api/`, answers `hello`, follows
 * `disconnect` by reconnecting, and keeps the ping), and hands each envelope's events to the
 * runtime's dispatcher.
 *
 * An envelope is acknowledged only once every one of its events has an outcome in
 * ACKNOWLEDGED_OUTCOMES: committed, or acknowledged at the 3-second deadline and handled on. When
 * the store could not be reached, it is not acknowledged, so Slack sends it again. The handler's
 * answer (a view submission's `response_action`, a slash command's message) is the ack's payload.
 *
 * Resolves once `signal` aborts and the envelopes in flight have settled.
 */
export async function runSocketMode(
  settings: SocketModeSettings,
  dispatcher: EventDispatcher<SlackEvent>,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  // The WebSocket's own connection pool, closed when the loop ends (the SDK's default one is not).
  const socketPool = new Agent({ connect: { allowH2: false } });
  const client = new SocketModeClient({
    dispatcher: socketPool,
    appToken: settings.appToken,
    // Problems reach `warn` (or the rejection of run()); the SDK's own log would repeat them.
    logger: SILENT_LOGGER,
    clientOptions: {
      slackApiUrl: `${settings.origin}/api/`,
      fetch: settings.transport.fetch,
      // Reconnecting asks for a new URL; a few quick tries, then the client's own back-off.
      retryConfig: { retries: 5, factor: 1.5, minTimeout: 200, maxTimeout: 5_000 },
    },
  });
  const inFlight = new Set<Promise<void>>();
  client.on('slack_event', (message: SlackSocketEvent) => {
    const handling = handleEnvelope(settings, dispatcher, message).catch((error: unknown) => {
      settings.warn(`slack: Socket Mode envelope ${safeId(message.envelope_id)} failed; not acknowledged, Slack will send it again`, error);
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await Promise.race([client.start(), stopped]);
    await stopped;
  } finally {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await client.disconnect().catch(() => undefined);
    await socketPool.close().catch(() => undefined);
  }
}

async function handleEnvelope(
  settings: SocketModeSettings,
  dispatcher: EventDispatcher<SlackEvent>,
  message: SlackSocketEvent,
): Promise<void> {
  const receivedAt = Date.now();
  const retry: RetryInfo = {
    retryNum: typeof message.retry_num === 'number' ? message.retry_num : undefined,
    retryReason: typeof message.retry_reason === 'string' ? message.retry_reason : undefined,
  };
  let events: SlackEvent[];
  try {
    events = eventsOf(message.type, message.body, retry);
  } catch (error) {
    // Slack would send the same bad envelope again: acknowledge it and say so.
    settings.warn(`slack: Socket Mode ${safeId(message.type)} envelope is not what Slack sends; acknowledged and dropped`, error);
    await message.ack();
    return;
  }
  events = withoutBotMessages(events, settings.includeBotMessages);
  if (events.length === 0) {
    await message.ack();
    return;
  }
  for (const event of events) await settings.dms.resolve(event);
  const deliveries = await dispatcher.dispatch(events, { receivedAt });
  if (!deliveries.every((delivery) => ACKNOWLEDGED_OUTCOMES.has(delivery.outcome))) {
    const outcomes = deliveries.map((delivery) => delivery.outcome).join(', ');
    settings.warn(`slack: Socket Mode envelope ${safeId(message.envelope_id)} not acknowledged (${outcomes}); Slack will send it again`);
    return;
  }
  await message.ack(answerOf(deliveries));
}

function eventsOf(type: string, body: unknown, retry: RetryInfo): SlackEvent[] {
  switch (type) {
    case 'events_api':
      return eventsFromCallback(body, retry);
    case 'interactive':
      return [eventFromInteraction(body, retry)];
    case 'slash_commands':
      return [eventFromCommand(body, retry)];
    default:
      return [];
  }
}

/** The ack payload: the handler's answer when it set one in time (one event per envelope). */
function answerOf(deliveries: Delivery[]): Record<string, unknown> | undefined {
  const answer = deliveries[0]?.answer;
  if (typeof answer === 'string') return { text: answer };
  return typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : undefined;
}

function safeId(value: unknown): string {
  return typeof value === 'string' && /^[\w.-]{1,80}$/.test(value) ? value : '(unreadable)';
}
