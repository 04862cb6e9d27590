// Our counter bot, assembled as the CLI assembles it: Bot + session store + the LINE connector,
// served by serve(). Runs the built dist (require('bottender') resolves to packages/bottender/dist).
'use strict';
const { Bot, MemorySessionStore, serve } = require('bottender');
const { createConnector } = require('@bottender/line');

const App = require('./counter.cjs');
const { announce, settings } = require('./lifecycle.cjs');

function createStore({ store, redisPort }) {
  if (store === 'redis') return require('@bottender/redis').createStore({ host: '127.0.0.1', port: redisPort });
  return new MemorySessionStore();
}

async function main() {
  const config = settings();
  const bot = new Bot({ app: App, store: createStore(config), initialState: { count: 0 } });
  const connector = createConnector({
    accessToken: config.accessToken,
    channelSecret: config.channelSecret,
    origin: config.origin,
  });
  const running = await serve({ bot, channels: [{ path: config.path, connector }], port: 0, host: '127.0.0.1' });
  announce(running.port, () => running.close());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
