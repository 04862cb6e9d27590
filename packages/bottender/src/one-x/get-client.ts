import type { Connector } from '../connector/types';

/**
 * `getClient(channel)` as in Bottender 1.x: the platform client of a channel of the running bot,
 * for calls outside a handler (a push from a cron job, a rich menu at start).
 *
 * A connector that offers a client shaped as 1.x's (`oneXClient`: Telegram's, with
 * messaging-api-telegram's positional methods and the SDK's `Api` at `.api`) gives that one, so 1.x
 * code such as `getClient('telegram').sendMessage(chatId, text)` runs as it is. The others give the
 * official SDKs' clients the connectors use (LINE's `MessagingApiClient`, Slack's `WebClient`),
 * whose method names differ from 1.x's messaging-api-* clients (docs/migrating-from-1x.md).
 */

/** The connectors of the bots running in this process, by platform, in start order. */
const running = new Map<string, Connector<any, any>[]>();

/** Called by the lifecycle when a bot's connectors are ready; the returned function forgets them. */
export function registerRunningConnectors(connectors: readonly Connector<any, any>[]): () => void {
  for (const connector of connectors) running.set(connector.platform, [...(running.get(connector.platform) ?? []), connector]);
  return () => {
    for (const connector of connectors) {
      const left = (running.get(connector.platform) ?? []).filter((c) => c !== connector);
      if (left.length === 0) running.delete(connector.platform);
      else running.set(connector.platform, left);
    }
  };
}

function clientOf(channel: string): object {
  const connectors = running.get(channel);
  if (!connectors) {
    const serving = [...running.keys()];
    throw new Error(
      `getClient(${JSON.stringify(channel)}): no running bot has a ${channel} channel` +
        (serving.length > 0 ? ` (running: ${serving.join(', ')})` : ' yet: clients exist once the bot has started') +
        '; check channels in bottender.config',
    );
  }
  const connector = connectors[0] as { oneXClient?: unknown; client?: unknown };
  const client = connector.oneXClient ?? connector.client;
  if (typeof client !== 'object' || client === null) {
    throw new Error(`getClient(${JSON.stringify(channel)}): the ${channel} connector has no client`);
  }
  return client;
}

/**
 * The client of channel `channel` (`'line'`, `'telegram'`, `'slack'`). As in 1.x it may be called
 * at the top of a module, before the bot starts: the object returned finds the running bot's
 * client when it is first used, and a use before any bot serves that channel throws an Error
 * saying so. With several channels of one platform, the first one started.
 */
export function getClient(channel: string): any {
  if (typeof channel !== 'string' || channel === '') throw new TypeError('getClient: expected a channel name such as "line"');
  return new Proxy(
    {},
    {
      get(_target, property) {
        if (property === 'then') return undefined; // not a promise: `await getClient(...)` gives the object
        const client = clientOf(channel) as Record<PropertyKey, unknown>;
        const value = client[property];
        return typeof value === 'function' ? value.bind(client) : value;
      },
      has(_target, property) {
        return property in clientOf(channel);
      },
    },
  );
}
