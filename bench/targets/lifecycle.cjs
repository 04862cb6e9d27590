// What every target shares: its settings from the environment, and the IPC start/stop handshake.
'use strict';

/** The settings bench/run.mjs passes to a target. */
function settings() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set (targets are started by bench/run.mjs)`);
    return value;
  };
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

module.exports = { announce, settings };
