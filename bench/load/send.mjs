// Sends pre-built webhook requests with a fixed number in flight: one keep-alive connection per
// request in flight, each sending its next request when the previous one is answered.
import { percentile } from '../lib/stats.mjs';
import { encodeRequest, Http1Connection } from './http1-connection.mjs';

/**
 * Posts every event to `url` with `inFlight` outstanding until all are answered or `deadlineMs`
 * passes. Times are process.hrtime nanoseconds (CLOCK_MONOTONIC, comparable with the fake API's
 * clock); latencies are milliseconds. A failed request counts as non-2xx and is not retried.
 */
export async function sendAll({ url, events, inFlight, deadlineMs = 120_000 }) {
  const target = new URL(url);
  const host = target.hostname;
  const port = Number(target.port);
  // An event may bring its own headers (another platform's); LINE's are the default.
  const requests = events.map(({ body, signature, headers }) =>
    encodeRequest({
      host,
      port,
      path: target.pathname,
      headers: headers ?? {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'LineBotWebhook/2.0',
        'X-Line-Signature': signature,
      },
      body,
    }),
  );
  const latencies = new Float64Array(events.length);
  const statuses = new Map();
  let failures = 0;
  let firstError;
  let next = 0;
  let firstSendNs = NaN;
  let lastAnswerNs = NaN;
  const deadline = Date.now() + deadlineMs;
  let timedOut = false;

  const worker = async () => {
    const connection = new Http1Connection(host, port);
    try {
      while (next < requests.length) {
        if (Date.now() > deadline) {
          timedOut = true;
          return;
        }
        const index = next++;
        const startNs = process.hrtime.bigint();
        if (index === 0) firstSendNs = Number(startNs);
        try {
          const { status } = await connection.send(requests[index]);
          const endNs = process.hrtime.bigint();
          lastAnswerNs = Number(endNs);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          latencies[index] = Number(endNs - startNs) / 1e6;
        } catch (error) {
          lastAnswerNs = Number(process.hrtime.bigint());
          failures++;
          firstError ??= String(error);
        }
      }
    } finally {
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, events.length) }, worker));

  const measured = Array.from(latencies).filter((v) => v > 0);
  let non2xx = failures;
  for (const [status, n] of statuses) if (status < 200 || status > 299) non2xx += n;
  return {
    sent: next,
    answered: measured.length + failures,
    timedOut,
    firstSendNs,
    lastAnswerNs,
    p50Ms: percentile(measured, 50),
    p99Ms: percentile(measured, 99),
    non2xx,
    failures,
    firstError,
    statuses: Object.fromEntries(statuses),
  };
}
