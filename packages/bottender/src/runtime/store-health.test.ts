import { SessionStoreError } from '../session/types';
import type { Logger } from './logger';
import { StoreHealth, StoreUnavailableError } from './store-health';

/** A logger that keeps its lines, and a clock the test moves. */
function setup(options: { retryEveryMs?: number; reportEveryMs?: number } = {}) {
  const lines: string[] = [];
  const logger: Logger = {
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
  let now = 1_000_000;
  const health = new StoreHealth({ name: 'redis session store', logger, now: () => now, ...options });
  return { health, lines, advance: (ms: number) => (now += ms) };
}

const refused = (health: StoreHealth, part: string) => {
  try {
    health.check(part, 'test:u');
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(SessionStoreError); // so the runtime answers 503
    return true;
  }
};

afterEach(() => jest.useRealTimers());

it('lets everything through while nothing is down', () => {
  const { health, lines } = setup();
  for (let i = 0; i < 100; i++) health.check('a');
  health.succeeded('a');
  expect(health.isDown()).toBe(false);
  expect(lines).toEqual([]);
});

it('says once that a part is down, refuses at once until a retry is due, then lets one event try it', () => {
  const { health, lines, advance } = setup({ retryEveryMs: 2_000 });
  const error = health.failed('127.0.0.1:7001', new Error('connect ECONNREFUSED 127.0.0.1:7001\n    at stack frames'), 'test:u', 'lock and read');
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ part: '127.0.0.1:7001', sessionId: 'test:u' });
  expect(error.message).toBe(
    'redis session store: lock and read for session "test:u": 127.0.0.1:7001 is unavailable (connect ECONNREFUSED 127.0.0.1:7001)',
  );
  expect(lines).toEqual([
    'warn: redis session store: 127.0.0.1:7001 is unavailable (connect ECONNREFUSED 127.0.0.1:7001); events that need it are answered 503 and it is tried again every 2.0 s',
  ]);
  for (let i = 0; i < 50; i++) expect(refused(health, '127.0.0.1:7001')).toBe(true);
  expect(refused(health, '127.0.0.1:7002')).toBe(false); // other parts are not held back
  advance(2_000);
  expect(refused(health, '127.0.0.1:7001')).toBe(false); // one event tries it
  expect(refused(health, '127.0.0.1:7001')).toBe(true); // the others still get their 503 at once
  health.failed('127.0.0.1:7001', new Error('still refused'));
  advance(1_999);
  expect(refused(health, '127.0.0.1:7001')).toBe(true);
  advance(1);
  expect(refused(health, '127.0.0.1:7001')).toBe(false);
  expect(lines).toHaveLength(1); // nothing per refused event
});

it('writes a count every few seconds while down (only when something was refused), then that it is back', () => {
  jest.useFakeTimers();
  const { health, lines, advance } = setup({ reportEveryMs: 5_000, retryEveryMs: 60_000 });
  health.failed('redis', new Error('Connection is closed.'));
  for (let i = 0; i < 10; i++) refused(health, 'redis');
  advance(5_000);
  jest.advanceTimersByTime(5_000);
  advance(5_000);
  jest.advanceTimersByTime(5_000); // nothing refused in this period: no line
  for (let i = 0; i < 3; i++) refused(health, 'redis');
  advance(5_000);
  jest.advanceTimersByTime(5_000);
  advance(500);
  health.succeeded('redis');
  advance(60_000);
  jest.advanceTimersByTime(60_000); // the timer stopped with the outage
  expect(lines).toEqual([
    'warn: redis session store: redis is unavailable (Connection is closed.); events that need it are answered 503 and it is tried again every 60 s',
    'warn: redis session store: redis still unavailable after 5.0 s (Connection is closed.); 11 events answered 503 in the last 5.0 s, 11 in all',
    'warn: redis session store: redis still unavailable after 15 s (Connection is closed.); 3 events answered 503 in the last 5.0 s, 14 in all',
    'info: redis session store: redis is back after 16 s; 14 events were answered 503 meanwhile',
  ]);
  expect(health.isDown()).toBe(false);
  expect(refused(health, 'redis')).toBe(false);
});

it('reports each part on its own', () => {
  const { health, lines } = setup();
  health.failed('a', new Error('x'));
  health.failed('b', new Error('y'));
  health.failed('a', new Error('x again'));
  health.succeeded('a');
  expect(health.isDown('a')).toBe(false);
  expect(health.isDown('b')).toBe(true);
  expect(lines.map((line) => line.split(' (')[0].split(' after')[0])).toEqual([
    'warn: redis session store: a is unavailable',
    'warn: redis session store: b is unavailable',
    'info: redis session store: a is back',
  ]);
  health.close();
});
