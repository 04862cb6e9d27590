import { counterApp, startHarness } from './harness';

describe('the dev console API, LINE', () => {
  test('a text from a LINE user goes through the signed webhook and the runtime; the answer is captured', async () => {
    const h = await startHarness({ app: counterApp, initialState: { count: 0 } });
    try {
      const sent = await h.api('POST', 'send', { platform: 'line', source: { kind: 'user', user: 'alice' }, input: { kind: 'text', values: { text: 'hi' } } });
      expect(sent.status).toBe(200);
      const [entry] = sent.json.entries;
      expect(entry).toMatchObject({ platform: 'line', status: 200, outcome: 'handled', sessionId: expect.stringMatching(/^line:U[0-9a-f]{32}$/) });
      expect(entry.messages).toEqual([{ via: 'reply', messages: [{ type: 'text', text: 'Count: 1' }], at: expect.any(Number) }]);
      const session = await h.api('GET', `session?id=${encodeURIComponent(entry.sessionId)}`);
      expect(session.json).toMatchObject({ live: true, version: 1, state: { count: 1 }, label: 'alice' });
    } finally {
      await h.close();
    }
  });
});

describe('the page and its UI library', () => {
  test('served from the package and the installed npm builds, as small as docs/dev-console.md says', async () => {
    const h = await startHarness({ app: counterApp });
    try {
      const page = await fetch(h.devConsole.url);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      // The inline import map is allowed by its hash; nothing else inline may run.
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*';/);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      let vendor = 0;
      for (const name of ['preact.js', 'hooks.js', 'htm.js']) {
        const response = await fetch(`${h.devConsole.url}vendor/${name}`);
        expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
        vendor += (await response.arrayBuffer()).byteLength;
      }
      expect(vendor).toBeGreaterThan(10_000);
      expect(vendor).toBeLessThan(20_000);
    } finally {
      await h.close();
    }
  });
});
