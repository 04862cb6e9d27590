import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Bot, FileSessionStore, MemorySessionStore, type RunningServer, type SessionStore, serve } from 'bottender';

import { PostgresSessionStore } from '@bottender/postgres';
import { createStore as createRedisStore } from '@bottender/redis';
import { createConnector, type TelegramContext } from '@bottender/telegram';

import { createTestSchema, DATABASE_URL, postgresAvailable } from '../../postgres/test/support/postgres';
import { redisAvailability, startRedisServer, type TestRedis } from '../../redis/test/support/redis-server';
import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';
import * as fx from './fixtures/events';
import { BOT_TOKEN, postRaw, recordingLogger, SECRET_TOKEN } from './harness';

/**
 * A group that becomes a supergroup keeps its state. Telegram sends two service messages: the old
 * group's `migrate_to_chat_id` and the supergroup's `migrate_from_chat_id`. Both are keyed by the
 * supergroup and name the group as predecessor, so whichever comes first moves the state, once,
 * and the other continues it; on two servers at once nothing is lost or forked, on every driver.
 */
const counter = async (context: TelegramContext<{ count?: number }>) => {
  if (!context.event.isMessage) return;
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
};

const group = `telegram:${fx.GROUP.id}`;
const supergroup = `telegram:${fx.SUPERGROUP.id}`;

interface Server {
  server: RunningServer;
  post(update: unknown): Promise<number>;
}

async function startServer(api: FakeTelegramApi, store: SessionStore): Promise<Server> {
  const log = recordingLogger();
  const connector = createConnector({ accessToken: BOT_TOKEN, secretToken: SECRET_TOKEN, origin: api.origin }, { logger: log });
  const bot = new Bot({ app: counter, store, logger: log, lockTimeoutMs: 5_000 });
  const server = await serve({ bot, channels: [{ path: '/webhooks/telegram', connector }], port: 0, host: '127.0.0.1', logger: log });
  return {
    server,
    post: async (update) => (await postRaw(server.port, JSON.stringify(update), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN })).status,
  };
}

/** Posts until Telegram would stop retrying: a non-2xx answer is delivered again, as Telegram does. */
async function deliver(server: Server, update: unknown): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const status = await server.post(update);
    statuses.push(status);
    if (status === 200) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
  }
  throw new Error(`still refused after 20 deliveries: ${statuses.join(', ')}`);
}

describe('Telegram group upgraded to a supergroup', () => {
  let api: FakeTelegramApi;
  let servers: Server[];

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    servers = [];
  });
  afterEach(async () => {
    for (const s of servers) await s.server.close();
    await api.close();
  });

  async function counted(store: SessionStore, n: number, server: Server) {
    for (let i = 0; i < n; i++) expect(await server.post(fx.textMessage(`m${i}`, { chat: fx.GROUP }))).toBe(200);
    expect((await store.read(group))?.state).toEqual({ count: n });
  }

  it.each([
    ['the old group\'s message first', ['to', 'from']],
    ['the supergroup\'s message first', ['from', 'to']],
  ])('moves the state once, %s, and the supergroup counts on', async (_order, order) => {
    const store = new MemorySessionStore();
    const server = await startServer(api, store);
    servers.push(server);
    await counted(store, 3, server);
    const updates = { to: fx.migrateToMessage(fx.GROUP, fx.SUPERGROUP), from: fx.migrateFromMessage(fx.SUPERGROUP, fx.GROUP) };
    for (const which of order) expect(await server.post(updates[which as 'to' | 'from'])).toBe(200);
    expect(await server.post(fx.textMessage('after', { chat: fx.SUPERGROUP }))).toBe(200);

    expect(await store.read(group)).toBeUndefined();
    const record = await store.read(supergroup);
    expect(record?.state).toEqual({ count: 6 });
    // The group's event ids came along, so a late redelivery of a group update is still a duplicate.
    expect(record?.eventIds).toHaveLength(6);
    // Everything after the upgrade went to the supergroup (the old group no longer takes messages).
    expect(api.textsTo(fx.GROUP.id)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsTo(fx.SUPERGROUP.id)).toEqual(['Count: 4', 'Count: 5', 'Count: 6']);
  });

  it('starts the supergroup from initialState when the group had no state', async () => {
    const store = new MemorySessionStore();
    const server = await startServer(api, store);
    servers.push(server);
    expect(await server.post(fx.migrateFromMessage(fx.SUPERGROUP, fx.GROUP))).toBe(200);
    expect((await store.read(supergroup))?.state).toEqual({ count: 1 });
  });

  const redisWhere = redisAvailability('telegram migration on Redis');
  const drivers: [string, () => Promise<{ store: () => SessionStore; done: () => Promise<void> }>][] = [
    ['memory (one store, two servers: fenced writes)', async () => {
      const store = new MemorySessionStore();
      return { store: () => store, done: async () => {} };
    }],
    ['file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bottender-telegram-migration-'));
      return { store: () => new FileSessionStore({ dirname: dir }), done: async () => rmSync(dir, { recursive: true, force: true }) };
    }],
  ];
  if (redisWhere !== undefined) {
    drivers.push([
      'redis (locks across servers)',
      async () => {
        const redis: TestRedis | undefined = redisWhere === 'server' ? await startRedisServer() : undefined;
        const url = redis?.url ?? (process.env.REDIS_URL as string);
        const keyPrefix = `telegram-migration-${process.pid}-${Date.now()}:`;
        const made: SessionStore[] = [];
        return {
          store: () => {
            const store = createRedisStore({ url, keyPrefix });
            made.push(store);
            return store;
          },
          done: async () => {
            await redis?.dispose();
          },
        };
      },
    ]);
  }

  if (postgresAvailable('telegram migration on PostgreSQL')) {
    drivers.push([
      'postgres (locks across servers)',
      async () => {
        const schema = await createTestSchema('telegram_migration');
        const made: PostgresSessionStore[] = [];
        return {
          store: () => {
            const store = new PostgresSessionStore({ connectionString: DATABASE_URL, schema: schema.name, table: 'sessions', max: 4, sweepIntervalMs: 0 });
            made.push(store);
            return store;
          },
          done: async () => {
            await Promise.all(made.map((store) => store.close().catch(() => {})));
            await schema.drop();
          },
        };
      },
    ]);
  }

  it.each(drivers)('two servers get the two updates at once (%s): moved once, nothing lost or forked', async (_name, make) => {
    const driver = await make();
    try {
      for (let round = 0; round < 3; round++) {
        const groupChat = { ...fx.GROUP, id: fx.GROUP.id - round };
        const superChat = { ...fx.SUPERGROUP, id: fx.SUPERGROUP.id - round };
        const [a, b] = [await startServer(api, driver.store()), await startServer(api, driver.store())];
        servers.push(a, b);
        for (let i = 0; i < 3; i++) expect(await a.post(fx.textMessage(`m${i}`, { chat: groupChat }))).toBe(200);
        const to = fx.migrateToMessage(groupChat, superChat);
        const from = fx.migrateFromMessage(superChat, groupChat);
        await Promise.all([deliver(a, to), deliver(b, from)]);
        // Telegram also redelivers both (an answer it did not see): each runs once.
        await Promise.all([deliver(b, to), deliver(a, from)]);
        expect(await a.post(fx.textMessage('after', { chat: superChat }))).toBe(200);

        const check = driver.store();
        expect(await check.read(`telegram:${groupChat.id}`)).toBeUndefined();
        expect((await check.read(`telegram:${superChat.id}`))?.state).toEqual({ count: 6 });
        expect(api.textsTo(superChat.id)).toEqual(['Count: 4', 'Count: 5', 'Count: 6']);
        await check.close?.();
      }
    } finally {
      for (const s of servers.splice(0)) await s.server.close();
      await driver.done();
    }
  });
});
