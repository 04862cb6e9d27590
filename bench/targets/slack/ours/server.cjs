// Our counter bot on Slack, started the way `bottender start` starts a bot folder: createBottender()
// loads this folder's bottender.config.js and index.js and serves the Slack connector on node:http.
// Runs the built dist (require('bottender') is packages/bottender/dist).
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
