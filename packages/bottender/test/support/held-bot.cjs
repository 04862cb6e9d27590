// A bot process for the crash tests: the built runtime (packages/bottender/dist), the JSON test
// platform with an answer deadline, and the file store in BOT_DIR, or (BOT_STORE=redis) the
// built @bottender/redis at BOT_REDIS_URL under BOT_KEY_PREFIX. Prints `READY <port>`, then
// `RUN <event id> <text>` when a handler starts and `HANG <event id>` before one that never ends
// (text "slow" while BOT_HANG=1). Killed by the test, never stopped gracefully.
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');
const { Bot, FileSessionStore, serve, silentLogger } = require(dist);
const { TestConnector } = require(path.join(dist, 'testing'));

async function main() {
  const store =
    process.env.BOT_STORE === 'redis'
      ? new (require(path.join(__dirname, '..', '..', '..', 'redis', 'dist')).RedisSessionStore)({
          url: process.env.BOT_REDIS_URL,
          keyPrefix: process.env.BOT_KEY_PREFIX,
          lockLeaseMs: 1000,
          logger: silentLogger,
        })
      : new FileSessionStore({ dirname: process.env.BOT_DIR, sweepIntervalMs: 0 });
  const connector = new TestConnector({ answerDeadlineMs: Number(process.env.BOT_DEADLINE_MS) });
  const bot = new Bot({
    store,
    logger: silentLogger,
    initialState: { count: 0 },
    app: async (context) => {
      const { id, text } = context.event.rawEvent;
      process.stdout.write(`RUN ${id} ${text}\n`);
      if (text === 'slow' && process.env.BOT_HANG === '1') {
        process.stdout.write(`HANG ${id}\n`);
        await new Promise(() => {});
      }
      context.setState({ count: context.state.count + 1 });
    },
  });
  const server = await serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' });
  process.stdout.write(`READY ${server.port}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
