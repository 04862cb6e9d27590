import type { IncomingMessage } from 'node:http';

/** Default largest accepted webhook body: 1 MiB, well above any platform's event batch. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A body over the limit; answered 413 without reading the rest. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body as raw bytes, since signatures are computed over the exact bytes sent.
 * Frameworks that already read the body (Express with a `verify` hook, Fastify with a raw-body
 * plugin) leave it on `rawBody`, which is used when present.
 */
export function readRawBody(request: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const pre = (request as IncomingMessage & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(pre)) return Promise.resolve(pre);
  if (typeof pre === 'string') return Promise.resolve(Buffer.from(pre));

  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}
