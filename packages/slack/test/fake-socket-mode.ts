import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { type WebSocket, WebSocketServer } from 'ws';

import type { FakeSlackApi } from '@bottender/slack/testing';

/**
 * A fake Socket Mode server on 127.0.0.1 (the `ws` package), following Slack's published
 * protocol: `apps.connections.open` on the fake Web API hands out its `ws://` URL with a one-time
 * ticket; on connect it sends `hello`; it sends envelopes `{ envelope_id, type, payload,
 * accepts_response_payload, retry_attempt, retry_reason }` and records the acks
 * `{ envelope_id, payload? }`; `disconnect()` sends `{ type: 'disconnect', reason }` as Slack does
 * before it recycles a connection. It pings every few seconds, as Slack does.
 */

export interface Envelope {
  envelope_id: string;
  type: 'events_api' | 'interactive' | 'slash_commands';
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: any;
  at: number;
}

export class FakeSocketMode {
  readonly acks: Ack[] = [];
  /** Tickets handed out and how often each was used. */
  readonly tickets = new Map<string, number>();
  connections = 0;
  /**
   * When set, an `events_api` envelope not acknowledged within this many ms is sent again (a new
   * envelope, `retry_attempt` + 1, `retry_reason: 'timeout'`), as Slack does; at most 3 times.
   */
  redeliverAfterMs: number | undefined;
  #server: WebSocketServer | undefined;
  #port = 0;
  #sockets = new Set<WebSocket>();
  #waiters: { envelopeId: string; resolve: (ack: Ack) => void }[] = [];
  #connectWaiters: (() => void)[] = [];
  #ping: NodeJS.Timeout | undefined;

  async start(api: FakeSlackApi): Promise<this> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    api.socketUrl = () => {
      const ticket = randomUUID();
      this.tickets.set(ticket, 0);
      return `ws://127.0.0.1:${this.#port}/link/?ticket=${ticket}&app_id=A0FAKE0001`;
    };
    server.on('connection', (socket, request) => {
      const ticket = new URL(request.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
      const used = this.tickets.get(ticket);
      if (used === undefined || used > 0) {
        socket.close(1008, 'invalid ticket');
        return;
      }
      this.tickets.set(ticket, 1);
      this.connections++;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('message', (data) => this.#onMessage(String(data)));
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.#sockets.size,
          debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0FAKE0001' },
        }),
      );
      for (const wake of this.#connectWaiters.splice(0)) wake();
    });
    this.#ping = setInterval(() => {
      for (const socket of this.#sockets) socket.ping();
    }, 5_000);
    this.#ping.unref();
    return this;
  }

  get connected(): boolean {
    return this.#sockets.size > 0;
  }

  /** Resolves once a client is connected (and was sent hello). */
  waitForConnection(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.#connectWaiters.push(resolve));
  }

  /** Sends an envelope to the connected client; returns its envelope_id. */
  send(type: Envelope['type'], payload: unknown, options: { retryAttempt?: number; retryReason?: string; envelopeId?: string } = {}): string {
    const envelope: Envelope = {
      envelope_id: options.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
    };
    if (type === 'events_api') {
      envelope.retry_attempt = options.retryAttempt ?? 0;
      envelope.retry_reason = options.retryReason ?? '';
    }
    const text = JSON.stringify(envelope);
    const [socket] = this.#sockets;
    if (!socket) throw new Error('no Socket Mode client is connected');
    socket.send(text);
    const attempt = envelope.retry_attempt ?? 0;
    if (type === 'events_api' && this.redeliverAfterMs !== undefined && attempt < 3) {
      const timer = setTimeout(() => {
        if (!this.ackOf(envelope.envelope_id) && this.connected) {
          this.send(type, payload, { retryAttempt: attempt + 1, retryReason: 'timeout' });
        }
      }, this.redeliverAfterMs);
      timer.unref();
    }
    return envelope.envelope_id;
  }

  /** Sends raw text (for bad-input tests). */
  sendRaw(text: string): void {
    const [socket] = this.#sockets;
    if (!socket) throw new Error('no Socket Mode client is connected');
    socket.send(text);
  }

  /** The ack of an envelope, when it comes. */
  waitForAck(envelopeId: string): Promise<Ack> {
    const done = this.acks.find((a) => a.envelope_id === envelopeId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.#waiters.push({ envelopeId, resolve }));
  }

  ackOf(envelopeId: string): Ack | undefined {
    return this.acks.find((a) => a.envelope_id === envelopeId);
  }

  /** Asks the client to reconnect, as Slack does before recycling a connection. */
  disconnect(reason = 'refresh_requested'): void {
    for (const socket of this.#sockets) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
  }

  async close(): Promise<void> {
    clearInterval(this.#ping);
    for (const socket of this.#sockets) socket.terminate();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #onMessage(text: string): void {
    let message: any;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message?.envelope_id !== 'string') return;
    const ack: Ack = { envelope_id: message.envelope_id, payload: message.payload, at: Date.now() };
    this.acks.push(ack);
    this.#waiters = this.#waiters.filter((w) => {
      if (w.envelopeId !== ack.envelope_id) return true;
      w.resolve(ack);
      return false;
    });
  }
}
