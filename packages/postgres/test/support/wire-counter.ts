import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the driver and PostgreSQL that reads the frontend protocol and counts round
 * trips as the server sees them: the client waits for ReadyForQuery after each Sync (extended
 * protocol: Parse/Bind/Execute... Sync) and after each simple Query, so Syncs plus Queries is the
 * number of round trips, whatever the driver does in between. Also plays network failures: every
 * connection cut and new ones refused (`down`), or connections kept open with nothing passing
 * (`frozen`, like a server that stopped answering).
 */
export interface WireCounter {
  /** `postgres://...` through the proxy. */
  readonly url: string;
  /** Round trips (Sync + Query messages) so far. */
  roundTrips(): number;
  /** Message counts by type letter (P parse, B bind, E execute, S sync, Q query, ...). */
  readonly messages: Record<string, number>;
  /** Connections opened through the proxy so far. */
  connections(): number;
  /** Destroys every open connection (both sides). */
  cutAll(): void;
  /**
   * `up`: forwards; `down`: cuts every connection and stops listening (connecting is refused, as
   * with a server that is gone); `frozen`: holds all traffic. Resolves once the mode is in effect.
   */
  setMode(mode: 'up' | 'down' | 'frozen'): Promise<void>;
  close(): Promise<void>;
}

export async function startWireCounter(databaseUrl: string): Promise<WireCounter> {
  const target = new URL(databaseUrl);
  const messages: Record<string, number> = {};
  const sockets = new Set<Socket>();
  let opened = 0;
  let mode: 'up' | 'down' | 'frozen' = 'up';
  const held: (() => void)[] = [];
  /** Runs `forward` now, or once the proxy thaws. */
  const pass = (forward: () => void) => (mode === 'frozen' ? held.push(forward) : forward());
  const server: Server = createServer((client) => {
    if (mode === 'down') {
      client.destroy();
      return;
    }
    opened++;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.on('data', (chunk) => pass(() => client.write(chunk)));
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk) => {
      pass(() => upstream.write(chunk));
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          // SSLRequest and GSSENCRequest are followed by another untyped message.
          startup = code === 80877103 || code === 80877104;
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const type = String.fromCharCode(buffer[0]);
        messages[type] = (messages[type] ?? 0) + 1;
        buffer = buffer.subarray(1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    messages,
    roundTrips: () => (messages.S ?? 0) + (messages.Q ?? 0),
    connections: () => opened,
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    setMode: async (next) => {
      const was = mode;
      mode = next;
      if (next === 'down') {
        held.length = 0;
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        if (was !== 'down') await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      if (next !== 'down' && was === 'down') await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      if (next === 'up') for (const forward of held.splice(0)) forward();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (mode !== 'down') await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
