import { type Logger, SessionStoreError, StoreHealth } from 'bottender/store';
import { MongoError, MongoErrorLabel, type MongoClient, type TopologyDescription, type TopologyDescriptionChangedEvent } from 'mongodb';

/**
 * Driver errors that mean no server could be reached or the connection broke (by name as well as
 * class: a `client` you pass may come from another copy of the `mongodb` package).
 */
const UNREACHABLE = new Set([
  'MongoServerSelectionError', // no suitable server within serverSelectionTimeoutMS
  'MongoNetworkError',
  'MongoNetworkTimeoutError', // a connected server that did not answer within socketTimeoutMS
  'MongoPoolClearedError', // the pool was emptied after a network error; the command was not sent
  'PoolClearedOnNetworkError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError', // a client with timeoutMS: the server did not answer in time
]);

/**
 * Server error codes that mean "this node cannot serve now" (not writable primary, recovering,
 * shutting down, unreachable shard host), as the MongoDB server-discovery and retryable-writes
 * specifications list them; not "this command is wrong".
 */
const NOT_SERVING = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Labels the server or the driver attach to errors of a node that cannot serve now. */
const NOT_SERVING_LABELS = [MongoErrorLabel.RetryableWriteError, MongoErrorLabel.ResetPool, MongoErrorLabel.InterruptInUseConnections];

/** Server types that take writes: every command of the store goes to one of these. */
const WRITABLE = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);

/**
 * Whether a driver error means MongoDB cannot serve now: no server selectable, a network error or
 * timeout, a node that is not (or no longer) primary, recovering or shutting down. Command errors
 * such as a duplicate key (the lock's fencing) or a document past 16 MB are not outages: they
 * fail their own event and say nothing about the next one.
 */
export function isOutage(error: unknown): boolean {
  if (error instanceof SessionStoreError || !(error instanceof Error)) return false;
  if (UNREACHABLE.has(error.name)) return true;
  const { code } = error as { code?: unknown };
  if (typeof code === 'number' && NOT_SERVING.has(code)) return true;
  const labelled = error as { hasErrorLabel?: (label: string) => boolean };
  if (typeof labelled.hasErrorLabel === 'function' && NOT_SERVING_LABELS.some((label) => labelled.hasErrorLabel!(label))) return true;
  // Servers older than 4.2 sometimes said so only in words.
  return code === undefined && error instanceof MongoError && /not master|node is recovering/i.test(error.message);
}

/** Whether a topology has a server the store's commands can go to. */
export function hasWritableServer(topology: Pick<TopologyDescription, 'type' | 'servers'>): boolean {
  if (topology.type === 'LoadBalanced') return true;
  for (const server of topology.servers.values()) if (WRITABLE.has(server.type)) return true;
  return false;
}

/**
 * Whether MongoDB is down, for fast 503s and quiet logs (bottender/store's StoreHealth). The whole
 * deployment is one part: every command goes to the primary (or a mongos). After an outage is
 * seen, events are refused at once, and one every `outageRetryMs` tries MongoDB again; the log says
 * it is down once, then a count every few seconds, then that it is back.
 *
 * The driver's own view is followed too, through its topology events: when the last writable
 * server becomes unknown (a failed heartbeat, a broken connection, a primary stepping down), the
 * store is down before any event has to wait for server selection; when one is known again, it
 * is back. While nothing is down, {@link guard} and {@link ok} are one boolean test each.
 */
export class MongoHealth {
  readonly #gate: StoreHealth;
  readonly #part: string;
  readonly #client: MongoClient;
  readonly #closing: () => boolean;
  /**
   * Outages begun so far. A command sent before the current outage began (its reply was already on
   * its way when the connections broke) says nothing about MongoDB now: only a command sent during
   * the outage ends it.
   */
  #outages = 0;
  readonly #onTopology = (event: TopologyDescriptionChangedEvent) => this.#topologyChanged(event);

  /**
   * @param target where the store connects (password hidden); its query string is left out of the
   *   log lines
   */
  constructor(client: MongoClient, target: string, logger: Logger, retryEveryMs: number, closing: () => boolean) {
    this.#client = client;
    this.#part = target.replace(/\?.*$/, '');
    this.#closing = closing;
    this.#gate = new StoreHealth({ name: 'mongo session store', logger, retryEveryMs });
    client.on('topologyDescriptionChanged', this.#onTopology);
  }

  /**
   * Throws StoreUnavailableError at once while MongoDB is known down and no retry is due. Call it
   * before sending a command, and give what it returns to {@link ok} once the command is answered.
   */
  guard(id: string | undefined): number {
    if (this.#gate.isDown()) this.#gate.check(this.#part, id);
    return this.#outages;
  }

  /** Whether MongoDB is known down now. */
  isDown(): boolean {
    return this.#gate.isDown();
  }

  /** A command was answered; `sent`: what {@link guard} returned before it was sent. */
  ok(sent: number): void {
    if (this.#gate.isDown() && sent === this.#outages) this.#gate.succeeded(this.#part);
  }

  /**
   * The error to throw for a failed command: a StoreUnavailableError, reported through the gate,
   * when MongoDB could not serve it; undefined for anything else (and while the store is closing).
   */
  outage(error: unknown, id: string | undefined, what: string): SessionStoreError | undefined {
    if (this.#closing() || !isOutage(error)) return undefined;
    if (!this.#gate.isDown()) this.#outages++;
    return this.#gate.failed(this.#part, error, id, `mongo ${what}`);
  }

  /** Stops following the client and reporting (the store is closing). */
  detach(): void {
    this.#client.off('topologyDescriptionChanged', this.#onTopology);
    this.#gate.close();
  }

  #topologyChanged({ previousDescription, newDescription }: TopologyDescriptionChangedEvent): void {
    if (this.#closing()) return;
    const now = hasWritableServer(newDescription);
    if (now === hasWritableServer(previousDescription)) return;
    if (now) this.#gate.succeeded(this.#part);
    else if (!this.#gate.isDown()) {
      this.#outages++;
      this.#gate.markDown(this.#part, reasonOf(newDescription));
    }
  }
}

/** Why no server is writable, in one line: the driver's last error about a server, if it kept one. */
function reasonOf(topology: TopologyDescription): string {
  for (const server of topology.servers.values()) {
    if (server.error) return server.error.message.split('\n')[0].slice(0, 200);
  }
  return `no writable server (topology ${topology.type})`;
}
