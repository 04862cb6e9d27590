// The node:http webhook server of the raw targets: POST on the webhook path only, the body read
// whole, checked, parsed as JSON and handed to the target. No framework.
'use strict';
const http = require('node:http');

const { listenAndAnnounce } = require('./lifecycle.cjs');

/** Answers with a JSON body of known length (no chunked encoding). */
function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers 200 once `sending` (the target's calls to the platform API) succeeded, 500 if it failed. */
function answerWhenSent(res, sending) {
  sending.then(
    () => answer(res, 200, '{}'),
    () => answer(res, 500, '{}'),
  );
}

/**
 * Serves POST `path` on a free port of 127.0.0.1 (announced to the orchestrator). Each request
 * passes `admit(req)` (its headers, before the body is read) and `verify(raw, req)` (the raw
 * body, e.g. its signature), either one 401 when false; a body that is not JSON is a 400;
 * `handle(body, res)` answers the rest, through `answer` or `answerWhenSent`.
 */
function serveWebhook({ path, admit, verify, handle }) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) return answer(res, 404, '{}');
    if (admit && !admit(req)) {
      req.resume();
      return answer(res, 401, '{}');
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (verify && !verify(raw, req)) return answer(res, 401, '{}');
      let body;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return answer(res, 400, '{}');
      }
      handle(body, res);
    });
  });
  server.keepAliveTimeout = 65_000;
  listenAndAnnounce(server);
}

module.exports = { answer, answerWhenSent, serveWebhook };
