// Starts one bot process for the multi-process tests: loads the TypeScript sources through jiti
// (no build needed), with `bottender` mapped to its sources so the driver and the runtime share
// one copy of it (one SessionStoreError class, so store failures still answer 503).
const path = require('node:path');
const { createJiti } = require('jiti');

const root = path.resolve(__dirname, '../../../..');
const src = path.join(root, 'packages/bottender/src');
const jiti = createJiti(__filename, {
  alias: {
    'bottender/store': path.join(src, 'store/index.ts'),
    'bottender/connector': path.join(src, 'connector/index.ts'),
    'bottender/testing': path.join(src, 'testing/index.ts'),
    bottender: path.join(src, 'index.ts'),
  },
});

jiti
  .import(path.join(__dirname, 'bot-main.ts'))
  .then((main) => main.start())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
