/**
 * `bottender session ...`: the sessions of the store the project's config selects, from outside a
 * conversation. Each command is a thin shell over `bottender/store`'s operations, so every write
 * takes the session's lock (or is fenced on its version) exactly as an event's commit does.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { createStore } from '../config/create-store';
import { type LoadedConfig, loadConfig, loadEnv } from '../config/load-config';
import { ConfigError } from '../config/schema';
import { expiresInMs } from '../session/rules';
import type { SessionStore } from '../session/types';
import {
  deleteSession,
  exportSessions,
  getSession,
  importSessions,
  listSessions,
  type OperationOptions,
  patchSessionState,
  setSessionState,
} from '../store/operations';
import { migrateSessions } from '../store/migrate';
import { migrationPlan } from '../runtime/migrations';
import { UsageError } from './args';
import type { CliIO } from './start';

export const SESSION_USAGE = `Usage: bottender session <command> [options]

Sessions of the store bottender.config selects (file, redis, mongo, postgres or a custom store).
Every write takes the session's lock, or is fenced on its version, as an event's commit is: an
edit never overwrites a concurrent event's update, nor is overwritten by one.

Commands:
  list [--platform <name>] [--limit <n>]   one line per session (id, version, last activity, state)
  get <id>                                  the record as JSON
  set <id> <json>                           replace the state (creates the session if absent)
  patch <id> <json>                         shallow-merge into the state, as context.setState does
  delete <id>                               remove the session
  export [--platform <name>]                every session as NDJSON on stdout
  import [--replace]                        NDJSON from stdin; a bad line refuses the whole file
                                            (nothing is written); existing sessions are kept
                                            unless --replace
  migrate [--dry-run] [--batch <n>]         bring every session to the config's stateVersion
                                            (--dry-run: counts per version, nothing written)
  migrate --sql                             postgres driver: print the SQL that creates its
                                            tables (for teams that run DDL themselves)

Options:
  -h, --help         show this help

The memory driver keeps sessions inside the running bot process only: these commands cannot
reach it (use the browser dev console of "bottender dev", or a file/redis/mongo/postgres driver).`;

const OPTIONS = {
  platform: { type: 'string' },
  limit: { type: 'string' },
  replace: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  sql: { type: 'boolean' },
  batch: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS: Record<string, { args: string[]; options: (keyof typeof OPTIONS)[] }> = {
  list: { args: [], options: ['platform', 'limit'] },
  get: { args: ['<id>'], options: [] },
  set: { args: ['<id>', '<json>'], options: [] },
  patch: { args: ['<id>', '<json>'], options: [] },
  delete: { args: ['<id>'], options: [] },
  export: { args: [], options: ['platform'] },
  import: { args: [], options: ['replace'] },
  migrate: { args: [], options: ['dry-run', 'batch', 'sql'] },
};

/** Runs `bottender session <argv...>`; resolves with the exit code (0, 1 failure, 2 usage). */
export async function runSessionCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`bottender session: ${(error as Error).message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (name === undefined || values.help) {
    io.stdout.write(`${SESSION_USAGE}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`bottender session: unknown command ${JSON.stringify(name)} (${Object.keys(COMMANDS).join(', ')})`);
  }
  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (option !== 'help' && !command.options.includes(option)) {
      throw new UsageError(`--${option} is not an option of bottender session ${name}`);
    }
  }
  if (args.length !== command.args.length) {
    throw new UsageError(`usage: bottender session ${name} ${command.args.join(' ')}`.trimEnd());
  }
  const limit = values.limit === undefined ? undefined : count(values.limit, '--limit');
  const batch = values.batch === undefined ? 100 : count(values.batch, '--batch');
  const json = name === 'set' || name === 'patch' ? stateArgument(args[1]) : undefined;

  loadEnv(io.cwd);
  const loaded = await loadConfig(io.cwd);
  const driver = loaded.config.session?.driver ?? 'memory';
  if (driver === 'memory') {
    throw new ConfigError(
      `${loaded.label}: session.driver is "memory": its sessions live only inside the running bot process, ` +
        'so bottender session cannot reach them. Inspect and edit them in the browser dev console of ' +
        '"bottender dev", or use a driver that other processes can open (file, redis, mongo, postgres).',
    );
  }
  if (values.sql) return printPostgresSql(loaded, driver, io);
  const plan = migrationPlan(loaded.config.stateVersion, loaded.config.migrations);
  const options: OperationOptions = {
    expiresInMs: expiresInMs(loaded.config.session?.expiresIn),
    lockTimeoutMs: loaded.config.session?.lockTimeoutMs,
  };
  const store = await createStore(loaded);
  try {
    await store.init?.();
    switch (name) {
      case 'list':
        for await (const record of listSessions(store, { platform: values.platform, limit })) {
          const state = JSON.stringify(record.state);
          const when = new Date(record.lastActivity).toISOString();
          await write(io, `${record.id}\tversion ${record.version}\t${when}\t${state.length > 120 ? `${state.slice(0, 117)}...` : state}\n`);
        }
        return 0;
      case 'get': {
        const record = await getSession(store, sessionId(args[0]));
        if (record === undefined) {
          io.stderr.write(`no session ${JSON.stringify(args[0])} in the ${store.name} store\n`);
          return 1;
        }
        await write(io, `${JSON.stringify(record, null, 2)}\n`);
        return 0;
      }
      case 'set':
      case 'patch': {
        const id = sessionId(args[0]);
        const record =
          name === 'set'
            ? await setSessionState(store, id, json!, { ...options, stateVersion: plan?.stateVersion })
            : await patchSessionState(store, id, json!, {
                ...options,
                initialState: loaded.config.initialState,
                stateVersion: plan?.stateVersion,
              });
        io.stdout.write(`${id}: version ${record.version}\n`);
        return 0;
      }
      case 'delete': {
        const existed = await deleteSession(store, sessionId(args[0]), options);
        io.stdout.write(existed ? `${args[0]}: deleted\n` : `${args[0]}: no such session\n`);
        return 0;
      }
      case 'export':
        for await (const line of exportSessions(store, { platform: values.platform })) await write(io, line);
        return 0;
      case 'import':
        return await runImport(store, io, options, values.replace ?? false);
      default:
        return await runMigrate(store, io, plan, values['dry-run'] ?? false, batch, options);
    }
  } finally {
    await store.close?.();
  }
}

/** Import reads its input twice (check, then write): stdin is spooled to a private temp file. */
async function runImport(store: SessionStore, io: CliIO, options: OperationOptions, replace: boolean): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bottender-import-'));
  const file = path.join(dir, 'sessions.ndjson');
  try {
    await pipeline(io.stdin, createWriteStream(file, { mode: 0o600 }));
    const lines = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    const result = await importSessions(store, lines, { ...options, replace });
    io.stdout.write(
      `imported ${result.imported} of ${result.records} sessions into the ${store.name} store` +
        (result.existing ? `; ${result.existing} already there, kept (--replace overwrites them)` : '') +
        (result.expired ? `; ${result.expired} expired, left out` : '') +
        '\n',
    );
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runMigrate(
  store: SessionStore,
  io: CliIO,
  plan: ReturnType<typeof migrationPlan>,
  dryRun: boolean,
  batch: number,
  options: OperationOptions,
): Promise<number> {
  if (plan === undefined) {
    io.stderr.write('bottender.config declares no stateVersion: there is nothing to migrate to\n');
    return 1;
  }
  const report = await migrateSessions(store, plan, { ...options, dryRun, batchSize: batch });
  const versions = [...report.byVersion.entries()].sort(([a], [b]) => a - b);
  io.stdout.write(`${report.total} sessions; target stateVersion ${plan.stateVersion}\n`);
  for (const [version, n] of versions) io.stdout.write(`  version ${version}: ${n}\n`);
  if (dryRun) {
    io.stdout.write(`${report.outdated} would be migrated (nothing written)\n`);
    for (const change of report.samples) io.stdout.write(`  ${change.id}: ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}\n`);
  } else {
    io.stdout.write(`${report.migrated} migrated\n`);
  }
  for (const failure of report.failures) io.stderr.write(`${failure}\n`);
  return report.failures.length > 0 ? 1 : 0;
}

/** `migrate --sql`: @bottender/postgres's createTableSql for the configured table and schema. */
async function printPostgresSql(loaded: LoadedConfig, driver: string, io: CliIO): Promise<number> {
  if (driver !== 'postgres') throw new ConfigError(`${loaded.label}: --sql prints the postgres driver's tables; session.driver is "${driver}"`);
  const pkg = (await loaded.modules.requirePackage('@bottender/postgres')) as { createTableSql?: (options: unknown) => string } | undefined;
  if (typeof pkg?.createTableSql !== 'function') {
    throw new ConfigError(`${loaded.label}: session.driver "postgres" needs @bottender/postgres: ${loaded.modules.installCommand('@bottender/postgres')}`);
  }
  io.stdout.write(`${pkg.createTableSql(loaded.config.session?.stores?.postgres ?? {})}\n`);
  return 0;
}

function count(text: string, flag: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} must be a positive integer (got ${JSON.stringify(text)})`);
  return Number(text);
}

function sessionId(text: string): string {
  if (!/^[^:]+:./s.test(text)) throw new UsageError(`a session id is <platform>:<key>, e.g. line:U123 (got ${JSON.stringify(text)})`);
  return text;
}

function stateArgument(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the state must be JSON, e.g. '{"count":1}' (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`the state must be a JSON object, e.g. '{"count":1}' (got ${text})`);
  }
  return value as Record<string, unknown>;
}

/** Writes honouring back-pressure, so a large export into a slow pipe stays in bounded memory. */
function write(io: CliIO, text: string): Promise<void> | void {
  if (io.stdout.write(text)) return;
  return new Promise((resolve) => io.stdout.once('drain', resolve));
}
