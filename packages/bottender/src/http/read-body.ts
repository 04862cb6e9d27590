import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

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
  if (Number.isFinite(declared) && declared > limit) return tooLarge(request, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume(); // the rest is read and dropped, see closeAfterSenderStops
        reject(tooLargeError(request, limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

/**
 * How long, at most, a connection whose body was too large keeps being read after its 413 (see
 * {@link closeAfterSenderStops}), and how long the sender may pause meanwhile.
 */
export const TOO_LARGE_LINGER_MS = 10_000;
export const TOO_LARGE_IDLE_MS = 2_000;

function tooLarge(request: IncomingMessage, limit: number): Promise<never> {
  return Promise.reject(tooLargeError(request, limit));
}

function tooLargeError(request: IncomingMessage, limit: number): BodyTooLargeError {
  closeAfterSenderStops(request);
  return new BodyTooLargeError(limit);
}

const lingering = new WeakSet<Socket>();

/**
 * Closes the connection of a too-large body without cutting the sender off before it reads the
 * 413. node:http destroys a socket as soon as a `Connection: close` answer is written; a sender
 * still sending then gets a reset, and its TCP stack may drop the 413 it has not read yet. So
 * here, as web servers do ("lingering close"), the answer is followed by our FIN while the rest
 * of the body is still read and dropped (by node:http's parser), and the socket is destroyed
 * once the sender has sent it all, or stops for {@link TOO_LARGE_IDLE_MS}, or after
 * {@link TOO_LARGE_LINGER_MS} in all.
 *
 * `destroySoon` is what node:http calls on the socket after such an answer; it is replaced on
 * this socket only, which is closing anyway. Also works mounted in Express, Fastify or Koa, which
 * answer through the same ServerResponse.
 */
function closeAfterSenderStops(request: IncomingMessage): void {
  const socket = request.socket as (Socket & { destroySoon?: () => void }) | null;
  if (!socket || typeof socket.destroySoon !== 'function' || lingering.has(socket)) return;
  lingering.add(socket);
  socket.destroySoon = () => {
    let limit: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(limit);
      // Only once our answer has left: destroying earlier would drop it.
      if (socket.writableFinished || !socket.writable) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    };
    socket.end(); // the FIN follows the answer; reading goes on (node:http sockets are half-open)
    if (request.complete) return close();
    request.once('end', close);
    request.once('close', close);
    socket.setTimeout(TOO_LARGE_IDLE_MS, close);
    limit = setTimeout(close, TOO_LARGE_LINGER_MS);
    limit.unref();
  };
}
