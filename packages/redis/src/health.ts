import { type Logger, SessionStoreError, StoreHealth } from 'bottender/store';
import { Cluster, type Redis, ReplyError } from 'ioredis';

import { sessionKeys } from './keys';

/** Redis error replies that mean "this node cannot serve now", not "this command is wrong". */
const OUTAGE_REPLIES = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY)\b/;

/**
 * Which Redis is down, for fast 503s and quiet logs (bottender/store's StoreHealth). A part is
 * the server for a single Redis and, on a Cluster, the master that serves the session's slot: a
 * dead node refuses only its own sessions, at once, and is tried again by one event every
 * `outageRetryMs` (2 s),
 * while the other nodes' sessions carry on. Everything here is skipped while nothing is down.
 */
export class RedisHealth {
  readonly #gate: StoreHealth;
  readonly #client: Redis | Cluster;
  readonly #target: string;
  readonly #keyPrefix: string;

  constructor(client: Redis | Cluster, target: string, keyPrefix: string, logger: Logger, retryEveryMs: number) {
    this.#client = client;
    this.#target = target;
    this.#keyPrefix = keyPrefix;
    this.#gate = new StoreHealth({ name: 'redis session store', logger, retryEveryMs });
  }

  /** Throws StoreUnavailableError at once while the part serving session `id` is known down. */
  guard(id: string): void {
    if (this.#gate.isDown()) this.#gate.check(this.partOf(id), id);
  }

  /** Session `id`'s part answered. */
  ok(id: string | undefined): void {
    if (this.#gate.isDown()) this.#gate.succeeded(this.partOf(id));
  }

  /**
   * The error to throw for a failed command: a StoreUnavailableError, reported through the gate,
   * when Redis could not answer (connection, timeout, cluster down); undefined for anything else.
   */
  outage(error: unknown, id: string | undefined, what: string): SessionStoreError | undefined {
    if (!isOutage(error)) return undefined;
    return this.#gate.failed(this.partOf(id), error, id, `redis ${what}`);
  }

  /**
   * Follows a single Redis's connection: down as soon as it closes (so events are refused before
   * each tries), back when it is ready again. A Cluster's nodes are followed through the
   * commands' own failures instead.
   */
  watch(closing: () => boolean): void {
    const client = this.#client;
    client.on('error', () => {}); // attempts fail while Redis is away; the gate reports the outage
    if (client instanceof Cluster) {
      // A node whose connection fails or is dropped is down for its sessions from now on, before
      // the events already waiting on it have run out of client retries.
      client.on('node error', (error: unknown, node: string) => {
        if (!closing() && typeof node === 'string' && isOutage(error)) this.#gate.markDown(node, reasonOf(error));
      });
      client.on('-node', (redis: Redis) => {
        const { host, port } = redis.options;
        if (!closing() && host && port) this.#gate.markDown(`${host}:${port}`, 'the cluster dropped its connection');
      });
      return;
    }
    let up = false;
    client.on('ready', () => {
      up = true;
      this.#gate.succeeded(this.#target);
    });
    client.on('close', () => {
      if (!up || closing()) return;
      up = false;
      this.#gate.markDown(this.#target, 'lost the connection');
    });
  }

  close(): void {
    this.#gate.close();
  }

  /** The server of a single Redis; on a Cluster, the master of session `id`'s slot, as ioredis last saw the slots. */
  partOf(id: string | undefined): string {
    if (!(this.#client instanceof Cluster)) return this.#target;
    if (id === undefined) return 'the cluster';
    const master = this.#client.slots[keySlot(sessionKeys(this.#keyPrefix, id).data)]?.[0];
    return master ?? 'the cluster';
  }
}

/** Whether a client error means Redis (or the node) could not answer, rather than a bad command or data. */
export function isOutage(error: unknown): boolean {
  if (error instanceof SessionStoreError) return false; // ours: damaged data, conflicts, ...
  if (error instanceof ReplyError) return OUTAGE_REPLIES.test((error as Error).message);
  return error instanceof Error; // connection closed or refused, not writeable, timed out, cluster unreachable
}

function reasonOf(error: unknown): string {
  return ((error as Error | undefined)?.message ?? String(error)).split('\n')[0].slice(0, 200);
}

/**
 * The Redis Cluster slot of `key`: CRC16 (XMODEM) of its hash tag (the text between the first `{`
 * and the next `}`, when not empty; else the whole key), modulo 16384, as Redis computes it.
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc & 0x3fff;
}
