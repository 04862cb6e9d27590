import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../../../test-support/store-drivers/ports';

const run = promisify(execFile);

/** Where PostgreSQL 15's server programs live on these machines (Debian's layout), or PG_BIN. */
const BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster of the tests' own (initdb in a temp folder, a free port,
 * loopback only), so a test can stop and restart a server without touching the shared one.
 * initdb refuses to run as root; as root the programs run as the `postgres` system user.
 */
export interface OwnPostgres {
  readonly url: string;
  readonly port: number;
  /** `fast`: a clean shutdown; `immediate`: every server process quits at once (a crash; recovery at start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Why an own cluster cannot be started here, or undefined when it can. */
export function ownPostgresUnavailable(): string | undefined {
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) return `no initdb/pg_ctl in ${BIN} (set PG_BIN)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres'], { stdio: 'ignore' }).status !== 0) {
    return 'running as root without a postgres system user to run initdb as';
  }
  return undefined;
}

/**
 * `fsync`: flush WAL to disk as a production server does (default off: faster, and a crashed
 * server process still loses nothing, since the operating system keeps what was written).
 */
export async function startOwnPostgres(options: { fsync?: boolean } = {}): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'bottender-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const program = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(BIN, name), ...args], { timeout: 60_000 }) : run(join(BIN, name), args, { timeout: 60_000 });
  const data = join(dir, 'data');
  const port = await freePort();
  await program('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${options.fsync ? 'on' : 'off'} -c max_connections=40`;
  const start = async () => {
    await program('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate') => {
    await program('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    dispose: async () => {
      await stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
