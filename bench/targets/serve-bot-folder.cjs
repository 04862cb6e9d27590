// How our framework targets start: the way `bottender start` starts a bot folder. Runs the built
// dist (require('bottender') is packages/bottender/dist).
'use strict';
const { createBottender } = require('bottender');

const { announce } = require('./lifecycle.cjs');

/**
 * createBottender() loads `dir`'s bottender.config.js and index.js, builds the store and the
 * connector, and serves them on node:http at a free port of 127.0.0.1, announced to the
 * orchestrator. A failed start exits 1.
 */
function serveBotFolder(dir) {
  const start = async () => {
    const app = await createBottender({ cwd: dir });
    const server = await app.serve(0, '127.0.0.1');
    announce(server.port, () => app.close());
  };
  start().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { serveBotFolder };
