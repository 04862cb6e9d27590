// A MongoDB-wire-compatible server for @bottender/mongo's tests and benchmark: CongoDB, the
// pure-JS server inside @push.rocks/smartmongo (see /work/shared/design/mongo-test-server.md and
// docs/drivers/mongo.md, "Testing the driver"). Test-only: nothing here reaches what users install.
//
// Run it with fork() (an IPC channel is required). It listens on 127.0.0.1 at MONGO_TEST_PORT
// (0: a free port), sends { type: 'ready', port }, and answers { id, cmd, args } messages with
// { id, ok, result | error }:
//   down      stop listening and drop every connection, keeping the data (a restarting mongod
//             keeps what it acknowledged); resolves once no connection is left
//   up        listen again on the same port
//   drop      delete every database (between benchmark phases)
//   stats     { commands: { <name>: count } } since the last resetStats
//   resetStats
// { cmd: 'stop' } (no id) exits. Storage is in memory: commands then run one at a time, each
// from start to end, which the driver's conditional updates rely on here as they rely on
// document-level atomicity in a real MongoDB.
import { createServer } from 'node:net';

const { CongoServer } = await import('@push.rocks/smartmongo/dist_ts/congodb/index.js').catch((error) => {
  console.error(`the MongoDB test server is not installed (npm install --ignore-scripts --prefix packages/mongo/test-server): ${error.message}`);
  process.exit(3);
});

/** A TCP port free on loopback now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const port = Number(process.env.MONGO_TEST_PORT || 0) || (await freePort());
const server = new CongoServer({ port, host: '127.0.0.1', storage: 'memory' });
const storage = server.getStorage();
const commands = new Map();

// Count commands as the server receives them (the driver's own heartbeats included, by name).
const route = server.commandRouter.route.bind(server.commandRouter);
server.commandRouter.route = (command) => {
  const name = Object.keys(command.command ?? {})[0] ?? 'unknown';
  commands.set(name, (commands.get(name) ?? 0) + 1);
  return route(command);
};

/** Closes the listener and every connection; the storage (in this process) keeps the data. */
async function down() {
  if (!server.running) return false;
  const listener = server.server;
  for (const connection of server.connections.values()) connection.socket.destroy();
  server.connections.clear();
  await new Promise((resolve) => listener.close(() => resolve()));
  server.isRunning = false;
  server.server = null;
  return true;
}

async function up() {
  if (server.running) return false;
  await server.start();
  return true;
}

const handlers = {
  down,
  up,
  drop: async () => {
    for (const name of await storage.listDatabases()) await storage.dropDatabase(name);
    return true;
  },
  stats: () => ({ commands: Object.fromEntries(commands) }),
  resetStats: () => {
    commands.clear();
    return true;
  },
};

process.on('message', async (message) => {
  if (message?.cmd === 'stop') {
    await down().catch(() => {});
    process.exit(0);
  }
  const handler = handlers[message?.cmd];
  if (!handler) return process.send({ id: message?.id, ok: false, error: `unknown command ${message?.cmd}` });
  try {
    process.send({ id: message.id, ok: true, result: await handler(message.args ?? {}) });
  } catch (error) {
    process.send({ id: message.id, ok: false, error: error?.stack ?? String(error) });
  }
});
// Without the parent nobody can stop us: leave.
process.on('disconnect', () => process.exit(0));

await server.start();
process.send({ type: 'ready', port });
