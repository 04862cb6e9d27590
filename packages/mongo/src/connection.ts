import type { Logger } from 'bottender/store';
import type { ConnectionCheckOutFailedEvent, ConnectionClosedEvent, MongoClient } from 'mongodb';

/**
 * Reports, once per outage, that MongoDB cannot be reached and that it is back, from the driver's
 * own connection and monitoring events (the driver reconnects by itself; nothing here retries).
 * An outage starts when a connection breaks or cannot be opened, or a heartbeat fails; it ends
 * when a connection is ready again or a heartbeat succeeds.
 */
export function reportConnectionChanges(client: MongoClient, target: string, logger: Logger, closing: () => boolean): void {
  let up = false;
  let reported = false;
  const lost = () => {
    if (!up || closing()) return;
    up = false;
    reported = true;
    logger.warn(`mongo session store: lost the connection to ${target}; events answer 503 until it is back`);
  };
  const back = () => {
    if (up) return;
    up = true;
    if (reported && !closing()) logger.info(`mongo session store: reconnected to ${target}`);
  };
  client.on('connectionCheckOutFailed', (event: ConnectionCheckOutFailedEvent) => {
    if (event.reason === 'connectionError') lost();
  });
  client.on('connectionClosed', (event: ConnectionClosedEvent) => {
    if (event.reason === 'error') lost();
  });
  client.on('serverHeartbeatFailed', lost);
  client.on('connectionReady', back);
  client.on('serverHeartbeatSucceeded', back);
}
