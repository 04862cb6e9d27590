// What every target shares: its settings from the environment, and the IPC start/stop handshake.
'use strict';

/** A reader of the environment variables that `script` (the orchestrator) sets; a missing one throws. */
function requiredEnv(script) {
  return (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set (targets are started by ${script})`);
    return value;
  };
}

/** The settings bench/run.mjs passes to a target. */
function settings() {
  const need = requiredEnv('bench/run.mjs');
  return {
    origin: need('BENCH_LINE_ORIGIN'),
    channelSecret: need('BENCH_CHANNEL_SECRET'),
    accessToken: need('BENCH_ACCESS_TOKEN'),
    path: need('BENCH_WEBHOOK_PATH'),
    store: process.env.BENCH_STORE || 'memory',
    redisPort: Number(process.env.BENCH_REDIS_PORT || 0),
  };
}

/** Tells the orchestrator the port, and closes then exits (writing any --cpu-prof) on `stop`. */
function announce(port, close) {
  process.send({ type: 'ready', port });
  process.on('message', async (message) => {
    if (message && message.cmd === 'stop') {
      try {
        await close();
      } finally {
        process.exit(0);
      }
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * Listens on a free port of 127.0.0.1 and announces it; `stop` closes the server and its
 * connections. `server` is an http.Server or anything whose listen() returns one (an express app).
 */
function listenAndAnnounce(server) {
  const listening = server.listen(0, '127.0.0.1', () =>
    announce(listening.address().port, () => {
      listening.close();
      listening.closeAllConnections();
    }),
  );
}

module.exports = { announce, listenAndAnnounce, requiredEnv, settings };
