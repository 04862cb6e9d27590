import type { Logger } from 'bottender';
import type { MongoClient, TopologyDescriptionChangedEvent } from 'mongodb';

/**
 * Reports, once per outage, that no writable MongoDB server is reachable any more and that one
 * is back, from the driver's own server monitoring (it reconnects by itself; nothing here retries).
 */
export function reportConnectionChanges(client: MongoClient, target: string, logger: Logger, closing: () => boolean): void {
  let up = false;
  let reported = false;
  client.on('topologyDescriptionChanged', (event: TopologyDescriptionChangedEvent) => {
    const writable = [...event.newDescription.servers.values()].some((server) => server.isWritable);
    if (writable === up || closing()) return;
    up = writable;
    if (!up) {
      reported = true;
      logger.warn(`mongo session store: lost the connection to ${target}; events answer 503 until it is back`);
    } else if (reported) {
      logger.info(`mongo session store: reconnected to ${target}`);
    }
  });
}
