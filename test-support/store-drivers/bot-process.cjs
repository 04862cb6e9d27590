// Starts one bot process for the drivers' multi-process tests: `node bot-process.cjs <main.ts>`
// loads the package's bot main through jiti (no build needed), with `bottender` and its entries
// mapped to their sources so the driver and the runtime share one copy of them (one
// SessionStoreError class, so store failures still answer 503), and calls its start().
const path = require('node:path');
const { createJiti } = require('jiti');

const main = process.argv[2];
if (!main) {
  console.error('usage: node bot-process.cjs <path of the bot main module>');
  process.exit(2);
}
const src = path.resolve(__dirname, '../../packages/bottender/src');
const jiti = createJiti(__filename, {
  alias: {
    'bottender/store': path.join(src, 'store/index.ts'),
    'bottender/connector': path.join(src, 'connector/index.ts'),
    'bottender/testing': path.join(src, 'testing/index.ts'),
    bottender: path.join(src, 'index.ts'),
  },
});

jiti
  .import(path.resolve(main))
  .then((module) => module.start())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
