// Our counter bot on @bottender/mongo, started as `bottender start` starts a bot folder (see
// targets/ours/server.cjs): createBottender() loads this folder's config and handler.
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
