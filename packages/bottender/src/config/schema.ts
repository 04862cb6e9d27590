import { z } from 'zod';

import { describeValue } from '../errors/describe-value';
import { didYouMean, unknownKeyMessage } from '../errors/closest-key';
import { LOG_LEVELS } from '../runtime/log';
import { BUILT_IN_DRIVERS, defaultChannelPath } from './drivers';
import { isStoreInstance, storeInstanceExpected } from './store-shape';
import type { BottenderConfig } from './types';
import { migrationProblem } from '../runtime/migrations';

export { BUILT_IN_DRIVERS } from './drivers';
export { describeValue } from '../errors/describe-value';

/**
 * A configuration that cannot run. The message names the file, the key and what was expected, one
 * line per problem, so a CLI can print it as is and a deploy log shows the cause without a stack.
 */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** One problem found in a config: where, and what was expected there. */
interface Issue {
  path: PropertyKey[];
  /** What the key must be, e.g. `must be a number of minutes`; followed by `(got ...)`. */
  expected: string;
  /** Said after `(got ...)`, e.g. `; did you mean "redis"?`. */
  hint?: string;
  /** The whole text after the file's name, for problems that are not a wrong value (an unknown key). */
  text?: string;
}

/** The keys each level of the config may have; anything else is a typo or a leftover. */
const TOP_KEYS = ['session', 'initialState', 'channels', 'plugins', 'app', 'onError', 'logLevel', 'stateVersion', 'migrations'] as const;
const SESSION_KEYS = ['driver', 'expiresIn', 'stores', 'handlerTimeoutMs', 'eventIdWindow', 'lockTimeoutMs'] as const;
const STORE_OPTION_KEYS: Record<string, readonly string[]> = {
  memory: ['maxSize'],
  file: ['dirname', 'sweepIntervalMs'],
};

const DRIVER_EXPECTED = `must be one of ${BUILT_IN_DRIVERS.map((d) => `"${d}"`).join(', ')} or a key of session.stores with a store instance`;
const HANDLER_EXPECTED = 'must be the handler function or the path of a module exporting it';
const PLUGIN_EXPECTED = 'must be a function taking the context, called before the handler, as in Bottender 1.x';

const handlerSchema = z
  .custom<unknown>((value) => typeof value === 'function' || (typeof value === 'string' && value !== ''), {
    error: HANDLER_EXPECTED,
  })
  .optional();

const optionsObject = (example: string) =>
  z.looseObject({}, { error: `must be an object of options such as ${example}` }).optional();

/** Drivers whose options may also be just a connection string, as Bottender 1.x's mongo took. */
const optionsOrUrl = (example: string) => {
  const error = `must be a connection string or an object of options such as ${example}`;
  return z.union([z.string().min(1, { error }), z.looseObject({})], { error }).optional();
};

/** A positive safe integer, with what it counts in the message. */
const positiveInteger = (what: string) =>
  z
    .number({ error: `must be a positive integer (${what})` })
    .refine((n) => Number.isSafeInteger(n) && n > 0, { error: `must be a positive integer (${what})` })
    .optional();

/**
 * The shape of the config's known keys. Unknown keys are refused by {@link keyIssues}, which can
 * suggest the nearest known key, rather than by zod.
 */
const configSchema = z.looseObject(
  {
    session: z
      .looseObject(
        {
          driver: z.string({ error: DRIVER_EXPECTED }).optional(),
          expiresIn: z
            .number({ error: 'must be a number of minutes (0 or unset keeps sessions forever)' })
            .refine((n) => Number.isFinite(n) && n >= 0, {
              error: 'must be a number of minutes, 0 or more (0 or unset keeps sessions forever)',
            })
            .optional(),
          handlerTimeoutMs: positiveInteger('milliseconds an event may hold its session before it is answered 503'),
          eventIdWindow: positiveInteger('how many handled event ids each session remembers, to drop redeliveries'),
          lockTimeoutMs: positiveInteger('milliseconds an event may wait for its session to be free'),
          stores: z
            .looseObject(
              {
                memory: z
                  .looseObject({ maxSize: positiveInteger('how many sessions to keep') }, {
                    error: 'must be an object of options such as { maxSize: 500 }',
                  })
                  .optional(),
                file: z
                  .looseObject(
                    {
                      dirname: z
                        .string({ error: 'must be a folder path such as ".sessions"' })
                        .min(1, { error: 'must be a folder path such as ".sessions"' })
                        .optional(),
                      sweepIntervalMs: z
                        .number({ error: 'must be a number of milliseconds, 0 to turn the sweep off' })
                        .refine((n) => Number.isSafeInteger(n) && n >= 0, {
                          error: 'must be a number of milliseconds, 0 to turn the sweep off',
                        })
                        .optional(),
                    },
                    { error: 'must be an object of options such as { dirname: ".sessions" }' },
                  )
                  .optional(),
                redis: optionsObject('{ url: process.env.REDIS_URL }'),
                // Both drivers also take the connection string alone (1.x's mongo store did).
                mongo: optionsOrUrl('{ url: process.env.MONGO_URL }'),
                postgres: optionsOrUrl('{ connectionString: process.env.DATABASE_URL }'),
              },
              { error: 'must be an object of driver options (or store instances) by name' },
            )
            .optional(),
        },
        { error: 'must be an object such as { driver: "memory", expiresIn: 60 }' },
      )
      .optional(),
    initialState: z
      .record(z.string(), z.unknown(), { error: 'must be an object (the state of a new session)' })
      .optional(),
    channels: z
      .record(
        z.string(),
        z
          .looseObject(
            {
              enabled: z.boolean({ error: 'must be true or false' }).optional(),
              path: z
                .string({ error: 'must be a URL path starting with "/"' })
                .startsWith('/', { error: 'must be a URL path starting with "/"' })
                .optional(),
            },
            { error: 'must be an object such as { enabled: true, path: "/webhooks/<name>", ... }' },
          )
          .optional(),
        { error: 'must be an object of channels by name, such as { line: { enabled: true, ... } }' },
      )
      .optional(),
    plugins: z
      .array(z.custom<unknown>((value) => typeof value === 'function', { error: PLUGIN_EXPECTED }), {
        error: 'must be an array of plugin functions, each called with the context before the handler',
      })
      .optional(),
    logLevel: z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.map((level) => `"${level}"`).join(', ')}` })
      .optional(),
    app: handlerSchema,
    onError: handlerSchema,
  },
  { error: 'must export the config object (export default defineConfig({ ... }) or module.exports = { ... })' },
);

/** A channel name is used to find its package, `@bottender/<name>`. */
const CHANNEL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Checks a loaded config and returns it unchanged, or throws one {@link ConfigError} listing every
 * problem, one line each: the file (`label`), the key, what it must be and what it was. The first
 * line ends with `(and N more problems)` when there are more.
 */
export function validateConfig<T = BottenderConfig>(input: unknown, label: string): T {
  const result = configSchema.safeParse(input);
  const issues: Issue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path, expected: issue.message }));
  if (isRecord(input)) issues.push(...keyIssues(input), ...semanticIssues(input));
  if (issues.length > 0) throw new ConfigError(formatIssues(label, input, issues));
  return input as T;
}

/** Keys no level of the config knows: each named with the nearest known key. */
function keyIssues(config: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const unknown = (where: PropertyKey[], object: Record<string, unknown>, known: readonly string[]) => {
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const prefix = where.map(String).join('.');
      issues.push({ path: [...where, key], expected: '', text: unknownKeyMessage(prefix, key, known).replace(/^\./, '') });
    }
  };
  unknown([], config, TOP_KEYS);
  const session = config.session;
  if (!isRecord(session)) return issues;
  unknown(['session'], session, SESSION_KEYS);
  const stores = session.stores;
  if (!isRecord(stores)) return issues;
  for (const [name, options] of Object.entries(stores)) {
    const known = STORE_OPTION_KEYS[name];
    if (known !== undefined && isRecord(options) && !isStoreInstance(options)) {
      unknown(['session', 'stores', name], options, known);
    } else if (
      !(BUILT_IN_DRIVERS as readonly string[]).includes(name) &&
      name !== session.driver &&
      isRecord(options) &&
      !isStoreInstance(options)
    ) {
      // Options under a name no driver has: likely a misspelled driver's options.
      const hint = didYouMean(name, BUILT_IN_DRIVERS, { quote: false });
      if (hint !== '') {
        issues.push({
          path: ['session', 'stores', name],
          expected: '',
          text: `session.stores.${name} is not a driver's options nor a store instance${hint}`,
        });
      }
    }
  }
  return issues;
}

/** Rules between keys; each looks only at values of the right type (zod reports the others). */
function semanticIssues(config: BottenderConfig): Issue[] {
  const issues: Issue[] = [];
  const session = isRecord(config.session) ? config.session : {};
  const driver = session.driver ?? 'memory';
  const stores = (isRecord(session.stores) ? session.stores : {}) as Record<string, unknown>;
  if (typeof driver === 'string' && !(BUILT_IN_DRIVERS as readonly string[]).includes(driver)) {
    const selected = Object.hasOwn(stores, driver) ? stores[driver] : undefined;
    if (selected === undefined) {
      const instances = Object.keys(stores).filter((name) => isStoreInstance(stores[name]));
      issues.push({ path: ['session', 'driver'], expected: DRIVER_EXPECTED, hint: didYouMean(driver, [...BUILT_IN_DRIVERS, ...instances]) });
    } else if (!isStoreInstance(selected)) {
      issues.push({ path: ['session', 'stores', driver], expected: storeInstanceExpected(selected) });
    }
  }
  if (isRecord(config.initialState)) {
    try {
      JSON.stringify(config.initialState);
    } catch (error) {
      issues.push({ path: ['initialState'], expected: `must be storable as JSON (${(error as Error).message})` });
    }
  }
  const migration = migrationProblem(config.stateVersion, config.migrations);
  if (migration) issues.push({ path: migration.key.split('.'), expected: '', text: `${migration.key} ${migration.problem}` });
  const paths = new Map<string, string>();
  for (const [name, channel] of Object.entries(isRecord(config.channels) ? config.channels : {})) {
    if (!isRecord(channel) || channel.enabled !== true) continue;
    if (!CHANNEL_NAME.test(name)) {
      issues.push({
        path: ['channels', name],
        expected: 'is not a channel name: lower-case letters, digits and dashes, as in @bottender/<name>',
      });
      continue;
    }
    const path = typeof channel.path === 'string' ? channel.path : defaultChannelPath(name);
    const other = paths.get(path);
    if (other !== undefined) {
      issues.push({ path: ['channels', name, 'path'], expected: `must differ from channels.${other}'s path` });
    }
    paths.set(path, name);
  }
  return issues;
}

/** Keys whose values are safe to echo; anything else may be a secret and is only described. */
const ECHOED_KEYS = new Set(['driver', 'expiresIn', 'enabled', 'path', 'maxSize', 'dirname', 'app', 'onError', 'logLevel']);

function formatIssues(label: string, input: unknown, issues: Issue[]): string {
  const lines = issues.map((issue) => `${label}${formatIssue(input, issue)}`);
  if (lines.length > 1) lines[0] += ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})`;
  return lines.join('\n');
}

function formatIssue(input: unknown, issue: Issue): string {
  if (issue.text !== undefined) return `: ${issue.text}`;
  const key = issue.path.map(String).join('.');
  const last = issue.path[issue.path.length - 1];
  const got = describeValue(valueAt(input, issue.path), { echo: typeof last === 'string' && ECHOED_KEYS.has(last) });
  return `${key ? `: ${key}` : ''} ${issue.expected} (got ${got})${issue.hint ?? ''}`;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

