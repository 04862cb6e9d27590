import { parseArgs } from 'node:util';

import { loadConfig, loadEnv } from 'bottender';

import { TelegramClient } from './api-client';
import { TelegramApiError, TelegramNetworkError } from './api-error';
import { resolveTelegramOptions, type TelegramChannelOptions } from './options';

/** What `bottender telegram ...` gets from the CLI: the bot folder and where to write. */
export interface TelegramCliIO {
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const TELEGRAM_USAGE = `Usage: bottender telegram webhook set --url <https url> [--drop-pending-updates] [--max-connections <n>]
       bottender telegram webhook get
       bottender telegram webhook delete [--drop-pending-updates]

Registers, shows or removes the bot's webhook with Telegram, using channels.telegram of the
bot folder's bottender.config (and .env). "set" sends channels.telegram.secretToken, which
Telegram then puts in every webhook request, and channels.telegram.allowedUpdates. The URL is
the server's public HTTPS address plus channels.telegram.path (default /webhooks/telegram).`;

const OPTIONS = {
  url: { type: 'string' },
  // Bottender 1.x's names of --url.
  webhook: { type: 'string', short: 'w' },
  'drop-pending-updates': { type: 'boolean' },
  'max-connections': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class CliUsageError extends Error {}

/**
 * `bottender telegram <command>`: resolves with the exit code (0 done, 1 Telegram or the config
 * refused, 2 wrong usage). The core CLI hands over everything after `telegram`.
 */
export async function cli(args: readonly string[], io: TelegramCliIO): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(`bottender telegram: ${error.message}\n\n${TELEGRAM_USAGE}\n`);
      return 2;
    }
    const known = error instanceof TelegramApiError || error instanceof TelegramNetworkError || error instanceof TypeError;
    io.stderr.write(`bottender telegram: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
    return 1;
  }
}

async function run(args: readonly string[], io: TelegramCliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    io.stdout.write(`${TELEGRAM_USAGE}\n`);
    return 0;
  }
  const [group, action, ...extra] = positionals;
  if (group !== 'webhook') throw new CliUsageError(`unknown command ${JSON.stringify(group)}: use webhook set, get or delete`);
  if (extra.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (action !== 'set' && action !== 'get' && action !== 'delete') {
    throw new CliUsageError(`unknown webhook command ${JSON.stringify(action ?? '')}: use set, get or delete`);
  }
  const url = values.url ?? values.webhook;
  if (action !== 'set' && (url !== undefined || values['max-connections'] !== undefined)) {
    throw new CliUsageError(`--url and --max-connections are for webhook set`);
  }
  if (action === 'get' && values['drop-pending-updates']) throw new CliUsageError('--drop-pending-updates is for webhook set and delete');

  const channel = await readChannel(io.cwd);
  const options = resolveTelegramOptions(channel);
  const client = new TelegramClient(options.origin, options.accessToken);
  try {
    if (action === 'get') {
      const info = await client.call('getWebhookInfo', undefined);
      io.stdout.write(describeInfo(info as unknown as Record<string, unknown>));
      return 0;
    }
    if (action === 'delete') {
      await client.call('deleteWebhook', { drop_pending_updates: values['drop-pending-updates'] === true });
      io.stdout.write(`Telegram webhook deleted${values['drop-pending-updates'] ? ' (pending updates dropped)' : ''}\n`);
      return 0;
    }
    if (url === undefined) throw new CliUsageError('webhook set needs --url <https url>');
    const target = checkUrl(url);
    if (options.secretToken === undefined) {
      throw new TypeError(
        'channels.telegram.secretToken is not set: the webhook would accept requests from anyone. Set it ' +
          '(1 to 256 of A-Z a-z 0-9 _ -), then run this again',
      );
    }
    const path = typeof channel.path === 'string' ? channel.path : '/webhooks/telegram';
    if (target.pathname !== path) {
      io.stderr.write(`bottender telegram: warning: the URL's path ${target.pathname} is not channels.telegram.path (${path})\n`);
    }
    await client.call('setWebhook', {
      url,
      secret_token: options.secretToken,
      allowed_updates: options.allowedUpdates,
      drop_pending_updates: values['drop-pending-updates'] === true ? true : undefined,
      max_connections: values['max-connections'] === undefined ? undefined : maxConnections(values['max-connections']),
    });
    io.stdout.write(`Telegram webhook set to ${target.origin}${target.pathname}, with the secret token\n`);
    return 0;
  } finally {
    await client.close();
  }
}

/** `channels.telegram` of the bot folder's config; the messages name what is missing. */
async function readChannel(cwd: string): Promise<TelegramChannelOptions> {
  loadEnv(cwd);
  const loaded = await loadConfig(cwd);
  const channel = loaded.config.channels?.telegram;
  if (channel === undefined) {
    throw new TypeError(`${loaded.label} has no channels.telegram: add it with accessToken (and secretToken) first`);
  }
  return channel as unknown as TelegramChannelOptions;
}

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliUsageError('--url is not a URL');
  }
  // Telegram calls HTTPS webhooks only (ports 443, 80, 88, 8443).
  if (parsed.protocol !== 'https:') throw new CliUsageError('--url must be an https:// URL: Telegram calls only HTTPS webhooks');
  return parsed;
}

function maxConnections(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new CliUsageError('--max-connections must be a whole number from 1 to 100');
  return n;
}

function describeInfo(info: Record<string, unknown>): string {
  const lines = [`url: ${info.url === '' ? '(none: the bot gets updates by long polling, or not at all)' : String(info.url)}`];
  lines.push(`pending updates: ${String(info.pending_update_count ?? 0)}`);
  if (typeof info.last_error_date === 'number') {
    lines.push(`last error: ${new Date(info.last_error_date * 1000).toISOString()} ${String(info.last_error_message ?? '')}`);
  }
  if (info.max_connections !== undefined) lines.push(`max connections: ${String(info.max_connections)}`);
  if (Array.isArray(info.allowed_updates)) lines.push(`allowed updates: ${info.allowed_updates.join(', ')}`);
  if (info.ip_address !== undefined) lines.push(`ip address: ${String(info.ip_address)}`);
  return `${lines.join('\n')}\n`;
}
