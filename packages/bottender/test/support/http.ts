import { Agent, request } from 'node:http';

/** A keep-alive client for posting webhooks to a local test server. */
export function createClient(port: number, maxSockets = 64) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  function post(
    path: string,
    body: string | Buffer | object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return send('POST', path, payload, { 'content-type': 'application/json', ...headers });
  }
  function send(
    method: string,
    path: string,
    payload?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
  return { post, send, close: () => agent.destroy() };
}
