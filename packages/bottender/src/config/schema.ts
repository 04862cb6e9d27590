import { z } from 'zod';

import { isStoreInstance, storeInstanceExpected } from './store-shape';
import type { BottenderConfig } from './types';

/** The drivers known by name; see {@link BottenderConfig.session}. */
export const BUILT_IN_DRIVERS = ['memory', 'file', 'redis', 'mongo', 'postgres'] as const;

/**
 * A configuration that cannot run. The message is one line that names the file, the key and what
 * was expected, so a CLI can print it as is and a deploy log shows the cause without a stack.
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
  /** What the key must be, e.g. `must be a number of minutes`. */
  expected: string;
}

const DRIVER_EXPECTED =
  'must be one of "memory", "file", "redis", "mongo", "postgres" or a key of session.stores with a store instance';
const HANDLER_EXPECTED = 'must be the handler function or the path of a module exporting it';

const handlerSchema = z
  .custom<unknown>((value) => typeof value === 'function' || (typeof value === 'string' && value !== ''), {
    error: HANDLER_EXPECTED,
  })
  .optional();

const optionsObject = (example: string) =>
  z.looseObject({}, { error: `must be an object of options such as ${example}` }).optional();

/**
 * The shape of the config. Unknown keys are kept at every level: Bottender 1.x configs carry keys
 * this version does not use (plugins, other channels' settings) and must load unchanged.
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
          stores: z
            .looseObject(
              {
                memory: z
                  .looseObject({
                    maxSize: z
                      .number({ error: 'must be a positive integer (how many sessions to keep)' })
                      .refine((n) => Number.isSafeInteger(n) && n > 0, {
                        error: 'must be a positive integer (how many sessions to keep)',
                      })
                      .optional(),
                  }, { error: 'must be an object of options such as { maxSize: 500 }' })
                  .optional(),
                file: z
                  .looseObject(
                    {
                      dirname: z
                        .string({ error: 'must be a folder path such as ".sessions"' })
                        .min(1, { error: 'must be a folder path such as ".sessions"' })
                        .optional(),
                    },
                    { error: 'must be an object of options such as { dirname: ".sessions" }' },
                  )
                  .optional(),
                redis: optionsObject('{ url: process.env.REDIS_URL }'),
                mongo: optionsObject('{ url: process.env.MONGO_URL }'),
                postgres: optionsObject('{ connectionString: process.env.DATABASE_URL }'),
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
    app: handlerSchema,
    onError: handlerSchema,
  },
  { error: 'must export the config object (export default defineConfig({ ... }) or module.exports = { ... })' },
);

/** A channel name is used to find its package, `@bottender/<name>`. */
const CHANNEL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Checks a loaded config and returns it unchanged, or throws one {@link ConfigError} whose message
 * names `label` (the config file), the first bad key, what it must be and what it was.
 */
export function validateConfig<T = BottenderConfig>(input: unknown, label: string): T {
  const result = configSchema.safeParse(input);
  const issues: Issue[] = result.success
    ? semanticIssues(input as BottenderConfig)
    : result.error.issues.map((issue) => ({ path: issue.path, expected: issue.message }));
  if (issues.length > 0) throw new ConfigError(formatIssues(label, input, issues));
  return input as T;
}

/** Rules between keys, checked once every key has the right type. */
function semanticIssues(config: BottenderConfig): Issue[] {
  const issues: Issue[] = [];
  const driver = config.session?.driver ?? 'memory';
  const stores = (config.session?.stores ?? {}) as Record<string, unknown>;
  const selected = Object.hasOwn(stores, driver) ? stores[driver] : undefined;
  if (!(BUILT_IN_DRIVERS as readonly string[]).includes(driver)) {
    if (selected === undefined) {
      issues.push({ path: ['session', 'driver'], expected: DRIVER_EXPECTED });
    } else if (!isStoreInstance(selected)) {
      issues.push({ path: ['session', 'stores', driver], expected: storeInstanceExpected(selected) });
    }
  }
  if (config.initialState !== undefined) {
    try {
      JSON.stringify(config.initialState);
    } catch (error) {
      issues.push({ path: ['initialState'], expected: `must be storable as JSON (${(error as Error).message})` });
    }
  }
  const paths = new Map<string, string>();
  for (const [name, channel] of Object.entries(config.channels ?? {})) {
    if (!channel?.enabled) continue;
    if (!CHANNEL_NAME.test(name)) {
      issues.push({
        path: ['channels', name],
        expected: 'is not a channel name: lower-case letters, digits and dashes, as in @bottender/<name>',
      });
      continue;
    }
    const path = channel.path ?? `/webhooks/${name}`;
    const other = paths.get(path);
    if (other !== undefined) {
      issues.push({ path: ['channels', name, 'path'], expected: `must differ from channels.${other}'s path` });
    }
    paths.set(path, name);
  }
  return issues;
}

/** Keys whose values are safe to echo; anything else may be a secret and is only described. */
const ECHOED_KEYS = new Set(['driver', 'expiresIn', 'enabled', 'path', 'maxSize', 'dirname', 'app', 'onError']);

function formatIssues(label: string, input: unknown, issues: Issue[]): string {
  const [first] = issues;
  const key = first.path.map(String).join('.');
  const value = valueAt(input, first.path);
  const last = first.path[first.path.length - 1];
  const got = describeValue(value, typeof last === 'string' && ECHOED_KEYS.has(last));
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${label}${key ? `: ${key}` : ''} ${first.expected} (got ${got})${more}`;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Describes a value for an error message without echoing strings that may be secrets. */
export function describeValue(value: unknown, echo = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (!echo) return value === '' ? 'an empty string' : 'a string';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `${article(name)} ${name} instance` : 'an object';
  }
  return `${article(typeof value)} ${typeof value}`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
