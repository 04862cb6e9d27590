// How the raw targets call the (fake) platform API: JSON POSTed with http.request over one
// keep-alive agent, no SDK.
'use strict';
const http = require('node:http');

/**
 * A `post(path, headers, body, settle)` to `origin`: sends the JSON text `body` with `headers`
 * (its content-length added) and hands the response to `settle(res, resolve, reject)`, which
 * decides whether the API took the call.
 */
function jsonPoster(origin, { maxSockets = 64 } = {}) {
  const api = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return (path, headers, body, settle) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: api.hostname, port: api.port, path, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.on('error', reject);
          settle(res, resolve, reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** A `settle` for APIs whose 200 alone says the call was taken: the body is drained, not read. */
function statusOk(call) {
  return (res, resolve, reject) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${call}: ${res.statusCode}`))));
  };
}

module.exports = { jsonPoster, statusOk };
