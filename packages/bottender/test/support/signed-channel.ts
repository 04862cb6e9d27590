import { createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';

import { type ReceivedWebhook, WebhookError, type WebhookRequest } from '../../src';
import { TestConnector, type TestEvent } from '../../src/testing';

/** The header carrying the body's signature, as LINE's `X-Line-Signature` does. */
export const SIGNATURE_HEADER = 'x-signature';

/** Base64 HMAC-SHA256 of the exact bytes, the scheme LINE (and most platforms) sign with. */
export function sign(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * The JSON test platform, signed as a real platform is: the signature covers the raw body, so a
 * body that went through a JSON parser and back (other spacing, escapes) no longer verifies.
 */
export class SignedConnector extends TestConnector {
  readonly #secret: string;

  constructor(secret: string) {
    super({ platform: 'signed' });
    this.#secret = secret;
  }

  override receive(request: WebhookRequest): ReceivedWebhook<TestEvent> {
    const given = request.headers[SIGNATURE_HEADER];
    const expected = Buffer.from(sign(this.#secret, request.rawBody));
    const ok = typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), expected);
    if (!ok) throw new WebhookError(401, 'invalid signature');
    return super.receive(request);
  }
}

/**
 * A bot folder's `node_modules/@bottender/signed`, enabled as `channels.signed` with a
 * `channelSecret`. It builds {@link SignedConnector} from this file, so the connector, its
 * `WebhookError` and its Context are the ones of the runtime under test (Jest's module registry).
 */
export function signedPlatformPackage(): Record<string, string> {
  const connector = JSON.stringify(path.join(__dirname, 'signed-channel.ts'));
  return {
    'node_modules/@bottender/signed/package.json': JSON.stringify({ name: '@bottender/signed', version: '1.0.0', main: 'index.js' }),
    'node_modules/@bottender/signed/index.js': `const { SignedConnector } = require(${connector});
exports.createConnector = (options) => {
  if (typeof options.channelSecret !== 'string' || options.channelSecret === '') {
    throw new TypeError('channels.signed.channelSecret must be a non-empty string');
  }
  return new SignedConnector(options.channelSecret);
};
`,
  };
}
