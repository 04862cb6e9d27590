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
 * Another middleware (a body parser) consumed the body without keeping its bytes. Waiting for
 * the stream would hang until the platform times out, so this is reported at once instead.
 */
export class BodyAlreadyReadError extends Error {
  constructor() {
    super('the request body was already read by another middleware (a body parser) that did not keep the raw bytes on req.rawBody');
    this.name = 'BodyAlreadyReadError';
  }
}

/**
 * Reads a request body as raw bytes, since signatures are computed over the exact bytes sent.
 * When a framework already read the body, the bytes it kept are used: `req.rawBody` (a Buffer,
 * or a string as Bottender 1.x's servers left it), else `req.body` when it is a Buffer (as
 * `express.raw()` leaves it). A parsed `req.body` is never used: re-serializing it would not give
 * back the signed bytes. A body consumed without a copy rejects with {@link BodyAlreadyReadError}.
 */
export function readRawBody(request: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const kept = request as IncomingMessage & { rawBody?: unknown; body?: unknown };
  if (Buffer.isBuffer(kept.rawBody)) return Promise.resolve(kept.rawBody);
  if (typeof kept.rawBody === 'string') return Promise.resolve(Buffer.from(kept.rawBody));
  if (Buffer.isBuffer(kept.body)) return Promise.resolve(kept.body);
  if (request.readableEnded) return Promise.reject(new BodyAlreadyReadError());

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
