// Bottender 1.5.5 served the way `bottender start` serves it (express, body-parser keeping the
// raw body, the programmatic app's request handler), from bench/bottender-1.5.5/node_modules.
// Must run with this folder as the working directory: Bottender reads index.js and
// bottender.config.js from there.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const { listenAndAnnounce } = require('../lifecycle.cjs');

const requireV1 = createRequire(path.resolve(__dirname, '../../bottender-1.5.5/package.json'));
const { bottender } = requireV1('bottender');
const express = requireV1('express');
const bodyParser = requireV1('body-parser');

async function main() {
  const app = bottender({ dev: false });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = express();
  const verify = (req, _res, buf) => {
    req.rawBody = buf.toString();
  };
  server.use(bodyParser.json({ verify }));
  server.use(bodyParser.urlencoded({ extended: false, verify }));
  server.all('*', (req, res) => handle(req, res));
  listenAndAnnounce(server);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
