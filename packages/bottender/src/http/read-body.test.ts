import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

import { Bot } from '../runtime/bot';
import { MemorySessionStore } from '../stores/memory';
import { TestConnector } from '../testing/test-connector';
import { type RunningServer, serve } from './server';
import { TOO_LARGE_IDLE_MS } from './read-body';

/**
 * A body over the limit (1 MiB by default) is answered 413 and its connection closed, and the
 * sender reads that answer even while it is still sending: the server goes on reading (and
 * dropping) what arrives after its answer instead of resetting the connection under the sender.
 */
const FIVE_MB = 5 * 1024 * 1024;
const PIECE = 64 * 1024;

let server: RunningServer;
let handled = 0;

beforeAll(async () => {
  const bot = new Bot({
    store: new MemorySessionStore(),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    app: async () => {
      handled++;
    },
  });
  server = await serve({ bot, channels: [{ path: '/webhooks/test', connector: new TestConnector() }], port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

interface SenderReport {
  /** The status line of what the sender read, '' if nothing. */
  statusLine: string;
  /** The answer's headers, lower-cased names. */
  headers: Record<string, string>;
  /** Bytes of the body written before the sender stopped. */
  sent: number;
  /** A socket error the sender saw (EPIPE, ECONNRESET), if any. */
  error?: string;
  /** Whether the server closed its side (FIN) after the answer. */
  closedByServer: boolean;
}

/**
 * A keep-alive HTTP/1.1 client on a raw socket that sends a `bodyBytes` body in 64 KiB pieces
 * every `everyMs`, with a Content-Length or chunked, and reads nothing until it has sent it all
 * : the sender most exposed to a
 * reset, since the 413 waits unread in its socket meanwhile.
 */
function slowSender(options: { chunked: boolean; bodyBytes: number; everyMs: number }): Promise<SenderReport> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    let sent = 0;
    let error: string | undefined;
    let closedByServer = false;
    socket.pause(); // reads nothing while sending
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('end', () => {
      closedByServer = true;
      socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => {
      clearInterval(timer);
      const [head = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ statusLine, headers, sent, error, closedByServer });
    });
    socket.write(
      'POST /webhooks/test HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n' +
        (options.chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${options.bodyBytes}\r\n\r\n`),
    );
    const piece = Buffer.alloc(PIECE, 0x20);
    const framed = options.chunked ? Buffer.concat([Buffer.from(`${PIECE.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      if (sent >= options.bodyBytes) {
        clearInterval(timer);
        if (options.chunked) socket.write('0\r\n\r\n');
        socket.resume(); // done sending: now read the answer
        return;
      }
      socket.write(framed);
      sent += PIECE;
    }, options.everyMs);
  });
}

describe.each([
  ['with a Content-Length', false],
  ['chunked, without a Content-Length', true],
])('a 5 MB body %s', (_how, chunked) => {
  it('from a slow sender on a keep-alive connection: all of it is taken, the sender reads the 413, then the connection closes', async () => {
    const report = await slowSender({ chunked, bodyBytes: FIVE_MB, everyMs: 10 });
    expect(report.error).toBeUndefined(); // no reset and no broken pipe while it sent
    expect(report.sent).toBe(FIVE_MB);
    expect(report.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(report.headers.connection).toBe('close');
    expect(report.closedByServer).toBe(true);
    expect(handled).toBe(0);
  });

  it('from a node:http client that reads while it sends: it gets the 413 before it has finished', async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      const outcome = await new Promise<{ status?: number; sentBeforeAnswer: number; error?: string }>((resolve) => {
        let sent = 0;
        const req = request(
          { port: server.port, host: '127.0.0.1', path: '/webhooks/test', method: 'POST', agent, headers: chunked ? {} : { 'content-length': FIVE_MB } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode, sentBeforeAnswer: sent });
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve({ sentBeforeAnswer: sent, error: error.code }));
        const piece = Buffer.alloc(PIECE, 0x20);
        const timer = setInterval(() => {
          if (req.destroyed || sent >= FIVE_MB) {
            clearInterval(timer);
            if (!req.destroyed) req.end();
            return;
          }
          req.write(piece);
          sent += PIECE;
        }, 5);
      });
      expect(outcome).toMatchObject({ status: 413 });
      expect(outcome.sentBeforeAnswer).toBeLessThan(FIVE_MB);
    } finally {
      agent.destroy();
    }
  });
});

it(`a sender that stalls mid-body after its 413 is cut off once it has been quiet for ${TOO_LARGE_IDLE_MS} ms`, async () => {
  const socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  let received = '';
  socket.on('data', (data) => (received += data.toString('latin1')));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST /webhooks/test HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${FIVE_MB}\r\n\r\n`);
  socket.write(Buffer.alloc(2 * 1024 * 1024, 0x20)); // then nothing more, and the socket is left open
  const stalledAt = Date.now();
  const openConnections = () => new Promise<number>((resolve) => server.server.getConnections((_e, n) => resolve(n)));
  while ((await openConnections()) > 0 && Date.now() - stalledAt < TOO_LARGE_IDLE_MS + 8_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const closedAfter = Date.now() - stalledAt;
  socket.destroy();
  expect(received).toMatch(/^HTTP\/1\.1 413 /);
  expect(await openConnections()).toBe(0);
  expect(closedAfter).toBeGreaterThanOrEqual(TOO_LARGE_IDLE_MS - 100);
  expect(closedAfter).toBeLessThan(TOO_LARGE_IDLE_MS + 8_000);
}, 30_000);

it('a body within the limit on a keep-alive connection is handled, and the connection stays usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const post = (id: string) =>
      new Promise<{ status?: number; socket: unknown }>((resolve, reject) => {
        const body = JSON.stringify({ events: [{ user: 'u', id, text: 'x'.repeat(100_000) }] });
        const req = request(
          { port: server.port, host: '127.0.0.1', path: '/webhooks/test', method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode, socket: req.socket }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const first = await post('a');
    const second = await post('b');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.socket).toBe(first.socket);
  } finally {
    agent.destroy();
  }
});
