/**
 * The webhook server's answers to bad requests (invariant 9): clear status codes, nothing from
 * the request echoed back, nothing reaching the handler or the store.
 */
import { Bot, MemorySessionStore, serve, type RunningServer } from '../src';
import { TestConnector } from '../src/testing';
import { counterApp, recordingLogger } from './support/bot';
import { createClient } from './support/http';

let server: RunningServer;
let client: ReturnType<typeof createClient>;
let calls: { count: number };
let reads = 0;
const logger = recordingLogger();

beforeAll(async () => {
  const store = new MemorySessionStore();
  const read = store.read.bind(store);
  store.read = (id) => {
    reads++;
    return read(id);
  };
  const counter = counterApp();
  calls = counter.calls;
  const bot = new Bot({ app: counter.app, store, initialState: { count: 0 }, logger });
  server = await serve({
    bot,
    channels: [{ path: '/webhooks/test', connector: new TestConnector({ secret: 's3cret' }) }],
    port: 0,
    host: '127.0.0.1',
    bodyLimit: 1024,
  });
  client = createClient(server.port);
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  reads = 0;
  calls.count = 0;
});

const ok = { 'x-test-secret': 's3cret' };
const hostile = '<script>alert(1)</script>\n\u0000{{7*7}}';

it('answers 401 to a failed verification without echoing the request, before any store access', async () => {
  const answer = await client.post('/webhooks/test', { events: [{ user: hostile, text: hostile }] }, { 'x-test-secret': hostile.replace(/\W/g, '') });
  expect(answer.status).toBe(401);
  expect(answer.body).toBe('{"error":"invalid signature"}');
  expect(reads).toBe(0);
  expect(calls.count).toBe(0);
});

it('answers 400 to malformed JSON and to a body of the wrong shape', async () => {
  expect((await client.post('/webhooks/test', '{"events": [', ok)).status).toBe(400);
  expect((await client.post('/webhooks/test', '{"events": 1}', ok)).status).toBe(400);
  expect(reads).toBe(0);
});

it('answers 413 to a body over the limit', async () => {
  const answer = await client.post('/webhooks/test', { events: [{ user: 'a', text: 'x'.repeat(2000) }] }, ok);
  expect(answer.status).toBe(413);
  expect(reads).toBe(0);
});

it('answers 404 to an unknown path and 405 to a GET on a webhook path', async () => {
  expect((await client.send('POST', '/nope', '{}')).status).toBe(404);
  expect((await client.send('GET', '/webhooks/test')).status).toBe(405);
});

it('answers the health check', async () => {
  expect(await client.send('GET', '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
});

it('keeps hostile session keys and state keys as plain data', async () => {
  const users = ['__proto__', 'constructor', '../../etc/passwd', hostile];
  for (const user of users) {
    expect((await client.post('/webhooks/test', { events: [{ user, text: 'x' }] }, ok)).status).toBe(200);
  }
  expect(calls.count).toBe(users.length);
  expect(({} as any).count).toBeUndefined();
});

it('escapes session ids in log lines', async () => {
  logger.lines.length = 0;
  const bot = new Bot({
    app: async () => {
      throw new Error('bug');
    },
    store: new MemorySessionStore(),
    logger,
  });
  const connector = new TestConnector();
  await bot.handleEvents(connector, connector.receive({ rawBody: Buffer.from(JSON.stringify({ events: [{ user: 'a\nFAKE LOG LINE', text: 'x' }] })) } as any).events);
  expect(logger.lines).toHaveLength(1);
  expect(logger.lines[0]).toContain('"test:a\\nFAKE LOG LINE"');
  expect(logger.lines[0]).not.toContain('\n');
});
