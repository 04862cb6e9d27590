// Sends pre-built webhook requests with a fixed number in flight, over keep-alive node:http.
import { Agent, request } from 'node:http';

import { percentile } from '../lib/stats.mjs';

/**
 * Posts every event to `url`, keeping `inFlight` requests outstanding until all are answered or
 * `deadlineMs` passes. Returns timings in process.hrtime nanoseconds (CLOCK_MONOTONIC, so they
 * compare with the fake API's) and latencies in milliseconds.
 */
export function sendAll({ url, events, inFlight, deadlineMs = 120_000 }) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight, maxFreeSockets: inFlight });
  const latencies = new Float64Array(events.length);
  const statuses = new Map();
  let failures = 0;
  let firstError;
  let next = 0;
  let done = 0;
  let firstSendNs = NaN;
  let lastAnswerNs = NaN;
  let stopped = false;

  return new Promise((resolve) => {
    const finish = (timedOut) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      agent.destroy();
      const answered = latencies.subarray(0, events.length);
      const measured = Array.from(answered).filter((v) => v > 0);
      let non2xx = failures;
      for (const [status, n] of statuses) if (status < 200 || status > 299) non2xx += n;
      resolve({
        sent: next,
        answered: done,
        timedOut,
        firstSendNs,
        lastAnswerNs,
        p50Ms: percentile(measured, 50),
        p99Ms: percentile(measured, 99),
        non2xx,
        failures,
        firstError,
        statuses: Object.fromEntries(statuses),
      });
    };
    const timer = setTimeout(() => finish(true), deadlineMs);

    const sendNext = () => {
      if (stopped || next >= events.length) return;
      const index = next++;
      const { body, signature } = events[index];
      const startNs = process.hrtime.bigint();
      if (index === 0) firstSendNs = Number(startNs);
      let settled = false;
      const settle = (status) => {
        if (settled) return;
        settled = true;
        const endNs = process.hrtime.bigint();
        lastAnswerNs = Number(endNs);
        if (status === undefined) failures++;
        else {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          latencies[index] = Number(endNs - startNs) / 1e6;
        }
        if (++done === events.length) finish(false);
        else sendNext();
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': body.length,
            'x-line-signature': signature,
            'user-agent': 'LineBotWebhook/2.0',
          },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => settle(res.statusCode));
          res.on('error', (error) => {
            firstError ??= String(error);
            settle(undefined);
          });
        },
      );
      req.on('error', (error) => {
        firstError ??= String(error);
        settle(undefined);
      });
      req.end(body);
    };
    for (let i = 0; i < Math.min(inFlight, events.length); i++) sendNext();
    if (events.length === 0) finish(false);
  });
}
