import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The MongoDB servers the tests run against: the MongoDB-wire-compatible test server (CongoDB,
 * installed apart in packages/mongo/test-server, started here in its own process on a free port),
 * and a real MongoDB when MONGO_URL is set. See docs/drivers/mongo.md, "Testing the driver".
 */
export interface TestMongo {
  /** `test server` or `MONGO_URL`, for test names. */
  readonly label: string;
  /** The connection string to give the store (each test also gives its own `dbName`). */
  readonly url: string;
  /** True for the test server, which the tests can take down and bring up again. */
  readonly controllable: boolean;
  /** Stops listening and drops every connection; the data stays, as in a restarting mongod. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server process: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  /** Commands the server received since `resetStats`, by name (test server only). */
  stats(): Promise<Record<string, number>>;
  resetStats(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

const TEST_SERVER_DIR = join(__dirname, '..', '..', 'test-server');
const LAUNCHER = join(TEST_SERVER_DIR, 'server.mjs');

/** Whether the test server is installed (`npm install --ignore-scripts --prefix packages/mongo/test-server`). */
export function hasTestServer(): boolean {
  return existsSync(join(TEST_SERVER_DIR, 'node_modules', '@push.rocks', 'smartmongo', 'package.json'));
}

/**
 * Decides, synchronously (so a test file can decide which tests to define), which servers the
 * tests use. Without the test server, a CI run (CI=true) throws, failing the suite; a local run
 * warns loudly and goes on with MONGO_URL alone, or with nothing.
 */
export function mongoAvailability(suite: string): { testServer: boolean; url: string | undefined } {
  const url = process.env.MONGO_URL || undefined;
  if (hasTestServer()) return { testServer: true, url };
  const message = `${suite}: the MongoDB test server is not installed (run: npm install --ignore-scripts --prefix packages/mongo/test-server)`;
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`${message}; a CI run must test the mongo driver over the wire`);
  console.warn(
    `\n!!!!!!!!!!\n!!! SKIPPED: ${message}.\n!!! ${url ? 'Only the MONGO_URL tests run.' : 'These tests did NOT run.'}\n!!!!!!!!!!\n`,
  );
  return { testServer: false, url };
}

/** Starts the test server in its own process on a free loopback port. */
export async function startTestServer(): Promise<TestMongo> {
  const child: ChildProcess = fork(LAUNCHER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: TEST_SERVER_DIR });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error));
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error('the MongoDB test server exited'));
    pending.clear();
  });
  const call = <T>(cmd: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, cmd });
    });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the MongoDB test server did not start within 30 s')), 30_000);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.port!);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('the MongoDB test server exited during start-up'));
    });
  });
  return {
    label: 'test server',
    url: `mongodb://127.0.0.1:${port}/?serverMonitoringMode=poll`,
    controllable: true,
    down: async () => void (await call('down')),
    up: async () => void (await call('up')),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stats: async () => (await call<{ commands: Record<string, number> }>('stats')).commands,
    resetStats: async () => void (await call('resetStats')),
    dispose: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The real MongoDB at MONGO_URL, which the tests cannot stop. */
export function realMongo(url: string): TestMongo {
  const unsupported = () => Promise.reject(new Error('the MongoDB at MONGO_URL was not started by the tests'));
  return {
    label: 'MONGO_URL',
    url,
    controllable: false,
    down: unsupported,
    up: unsupported,
    pause: () => {
      throw new Error('the MongoDB at MONGO_URL was not started by the tests');
    },
    resume: () => {},
    stats: unsupported,
    resetStats: unsupported,
    dispose: async () => {},
  };
}

/**
 * For a file whose tests need the test server (to stop, restart or freeze it): decides now whether
 * it is installed (see {@link mongoAvailability}: in CI its absence fails the file), starts it
 * before the file's tests and stops it after them. `test` defines a test that Jest reports as
 * skipped when the server is not installed.
 */
export function useTestServer(suite: string): { mongo: () => TestMongo; test: jest.It } {
  const available = mongoAvailability(suite).testServer;
  let mongo: TestMongo | undefined;
  if (available) {
    beforeAll(async () => {
      mongo = await startTestServer();
    });
    afterAll(() => mongo?.dispose());
  }
  return { mongo: () => mongo!, test: available ? test : test.skip };
}
