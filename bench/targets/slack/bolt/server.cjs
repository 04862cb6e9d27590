// The peer most Slack app authors would pick: a Bolt for JavaScript app with its defaults
// (HTTPReceiver, which acknowledges before the listener finishes; the WebClient on the global
// fetch), keeping each channel's count in Bolt's own conversation store (conversationContext
// with the default MemoryStore), from bench/bolt/node_modules.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const { announce } = require('../../lifecycle.cjs');
const { settings } = require('../settings.cjs');

const requireBolt = createRequire(path.resolve(__dirname, '../../../bolt/package.json'));
const { App, LogLevel } = requireBolt('@slack/bolt');

async function main() {
  const { origin, signingSecret, accessToken, path: endpoint } = settings();
  const app = new App({
    token: accessToken,
    signingSecret,
    endpoints: endpoint,
    logLevel: LogLevel.ERROR,
    // The only change from the defaults: the Web API is the fake one.
    clientOptions: { slackApiUrl: `${origin}/api/` },
  });
  app.message(async ({ context, say }) => {
    const count = ((context.conversation && context.conversation.count) || 0) + 1;
    await context.updateConversation({ count });
    await say(`Count: ${count}`);
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  announce(server.address().port, () => app.stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
