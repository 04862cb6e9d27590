// Our Telegram counter bot, started the way `bottender start` starts a bot folder: createBottender()
// loads this folder's bottender.config.js and index.js, builds the store and the Telegram
// connector, and serves the webhook on node:http. Runs the built dist.
'use strict';
const { createBottender } = require('bottender');

const { announce } = require('../../lifecycle.cjs');

async function main() {
  const app = await createBottender({ cwd: __dirname });
  const server = await app.serve(0, '127.0.0.1');
  announce(server.port, () => app.close());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
