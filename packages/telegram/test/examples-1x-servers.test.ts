import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

import { bottender, type LegacyBottenderServer } from 'bottender';

import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';
import * as fx from './fixtures/events';
import { BOT_TOKEN, postRaw, SECRET_TOKEN } from './harness';

/**
 * The project side of Bottender 1.x's Telegram examples: a bot folder with the examples'
 * `bottender.config.js` (`channels.telegram: { enabled, path, accessToken }`, the token read from
 * the environment) and an `index.js` handler, served by a custom server written against 1.x's
 * `bottender({ dev })`, `app.prepare()` and `app.getRequestHandler()` (custom-server-express,
 * -koa, -restify, telegram-game's server.js). The config adds what this version needs to serve
 * a webhook (`secretToken`) and, for the test, the fake Bot API's `origin`.
 */

/**
 * The environment the bot folder's config reads, as a deployment sets it. The config file is
 * loaded outside Jest's sandbox (by jiti, in Node's own context), so it sees Node's
 * `process.env`, not the sandbox's copy that `process.env` names in this file.
 */
const processEnv: NodeJS.ProcessEnv = runInThisContext('process.env');

const HANDLER = `module.exports = async function App(context) {
  await context.sendText('Hello from a 1.x project');
};
`;

/** The 1.x examples' config: Telegram on or off, LINE and Slack off. */
function configFile(api: FakeTelegramApi, telegramEnabled: boolean): string {
  return `module.exports = {
  channels: {
    line: { enabled: false, path: '/webhooks/line', accessToken: process.env.LINE_ACCESS_TOKEN, channelSecret: process.env.LINE_CHANNEL_SECRET },
    telegram: {
      enabled: ${telegramEnabled},
      path: '/webhooks/telegram',
      accessToken: process.env.TELEGRAM_ACCESS_TOKEN,
      secretToken: ${JSON.stringify(SECRET_TOKEN)},
      origin: ${JSON.stringify(api.origin)},
    },
    slack: { enabled: false, path: '/webhooks/slack', accessToken: process.env.SLACK_ACCESS_TOKEN, verificationToken: process.env.SLACK_VERIFICATION_TOKEN },
  },
};
`;
}

describe('a 1.x project folder behind a 1.x custom server', () => {
  let api: FakeTelegramApi;
  let dir: string;
  let app: LegacyBottenderServer | undefined;
  let server: Server | undefined;

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    dir = mkdtempSync(join(tmpdir(), 'bottender-1x-telegram-'));
    processEnv.TELEGRAM_ACCESS_TOKEN = BOT_TOKEN;
    writeFileSync(join(dir, 'index.js'), HANDLER);
  });

  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await app?.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
    delete processEnv.TELEGRAM_ACCESS_TOKEN;
    server = undefined;
    app = undefined;
  });

  /** What the examples' server.js does: bottender({ dev }), the request handler on every path, prepare(), listen. */
  async function startCustomServer(): Promise<number> {
    app = bottender({ dev: false, cwd: dir });
    const handle = app.getRequestHandler();
    await app.prepare();
    server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it("channels.telegram { enabled, path, accessToken from the environment } answers the webhook at /webhooks/telegram; sendText reaches Telegram", async () => {
    writeFileSync(join(dir, 'bottender.config.js'), configFile(api, true));
    const port = await startCustomServer();
    const answer = await postRaw(port, JSON.stringify(fx.textMessage('hi')), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN });
    expect(answer.status).toBe(200);
    expect(api.calls.map((c) => [c.method, c.params])).toEqual([['sendMessage', { chat_id: fx.ALICE.id, text: 'Hello from a 1.x project' }]]);
  });

  it('channels.telegram.enabled: false (with-aws-lambda, with-gcp-cloud-function) serves no Telegram webhook', async () => {
    writeFileSync(join(dir, 'bottender.config.js'), configFile(api, false));
    const port = await startCustomServer();
    const answer = await postRaw(port, JSON.stringify(fx.textMessage('hi')), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN });
    expect(answer.status).toBe(404);
    expect(api.calls).toEqual([]);
  });
});
