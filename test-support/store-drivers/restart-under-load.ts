import type { SessionRecord } from 'bottender';

import { type Answer, type BotProcess, postEvents } from './bot-processes';

/** How {@link restartUnderLoad} loads two bot processes and takes their store down and back. */
export interface RestartUnderLoadOptions {
  /** Two bot processes sharing one store; events alternate between them. */
  bots: BotProcess[];
  /** The load: `events` events, `track` texts, over `sessions` sessions, one every `everyMs`. */
  sessions: number;
  events: number;
  everyMs: number;
  /** When the outage starts after the load does, and how long the store stays down, in ms. */
  outageAfterMs: number;
  outageMs: number;
  /** Takes the store down (stop, kill, crash), and brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** A store of the test's own on the bots' sessions, to read what they committed (opened once, after the load). */
  openReader(): { read(id: string): Promise<SessionRecord | undefined> };
  /** When set, more than 10 events must have been answered 200 this many ms after the store came back (the outage ended under load). */
  answeredAfterUpMs?: number;
}

/** What {@link restartUnderLoad} saw, for the test's own checks and report. */
export interface RestartUnderLoadResult {
  /** Each event's first answer, in the order sent. */
  answers: Answer[];
  /** The ids of the events first answered 200, and 503. */
  ok: string[];
  refused: string[];
  /** Refused events whose write had landed anyway (the answer was lost with the connection). */
  refusedButWritten: string[];
  /** When the load started, the store went down and came back up (epoch ms). */
  started: number;
  downAt: number;
  upAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The store stops and comes back while two bot processes are under steady load. Asserts that
 * every event is answered either 200 (and then its state is written, exactly once) or 503 (and
 * then the platform redelivers it), never 200 without the write and never anything else; that
 * the processes stay up; and that after the redeliveries every event is counted exactly once in
 * every session.
 */
export async function restartUnderLoad(options: RestartUnderLoadOptions): Promise<RestartUnderLoadResult> {
  const { bots, sessions } = options;
  const events = Array.from({ length: options.events }, (_, i) => ({ user: `s${i % sessions}`, id: `ev-${i}`, text: 'track' }));

  // The load, and meanwhile the outage.
  const started = Date.now();
  const outage = (async () => {
    await sleep(options.outageAfterMs);
    await options.stop();
    const downAt = Date.now();
    await sleep(options.outageMs);
    await options.start();
    return { downAt, upAt: Date.now() };
  })();
  const pending: Promise<Answer>[] = [];
  for (const [i, event] of events.entries()) {
    pending.push(postEvents(bots[i % 2], [event]));
    await sleep(options.everyMs);
  }
  const answers = await Promise.all(pending);
  const { downAt, upAt } = await outage;

  // Each event got one answer: 200, or 503 (store unavailable). Nothing else: no crash, no 500.
  expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
  const ok = events.filter((_, i) => answers[i].status === 200).map((e) => e.id);
  const refused = events.filter((_, i) => answers[i].status === 503).map((e) => e.id);
  expect(refused.length).toBeGreaterThan(10); // the outage really happened under load
  if (options.answeredAfterUpMs !== undefined) {
    expect(answers.filter((a) => a.status === 200 && a.at > upAt + options.answeredAfterUpMs!).length).toBeGreaterThan(10); // and ended
  }
  expect(bots.every((bot) => bot.alive())).toBe(true);

  // Before any redelivery: every event answered 200 is in its session's state, exactly once.
  const reader = options.openReader();
  const stateOfAll = async () => {
    const out: Record<string, { ids: string[]; count: number }> = {};
    for (let s = 0; s < sessions; s++) {
      const stored = await reader.read(`test:s${s}`);
      out[`test:s${s}`] = { ids: stored?.state.ids ?? [], count: stored?.state.count ?? 0 };
    }
    return out;
  };
  const before = await stateOfAll();
  const committed = Object.values(before).flatMap((s) => s.ids);
  expect(new Set(committed).size).toBe(committed.length); // nothing applied twice
  expect(ok.filter((id) => !committed.includes(id))).toEqual([]); // nothing answered 200 was lost
  for (const s of Object.values(before)) expect(s.count).toBe(s.ids.length);
  // A 503 whose write landed anyway (its reply was lost with the connection) is possible; the
  // redelivery below is then dropped as a duplicate instead of counted twice.
  const refusedButWritten = refused.filter((id) => committed.includes(id));

  // The platform redelivers what was refused, until it is accepted.
  let unanswered = refused.map((id) => events.find((e) => e.id === id)!);
  for (let round = 0; unanswered.length > 0 && round < 20; round++) {
    const retry = await Promise.all(unanswered.map((event, i) => postEvents(bots[i % 2], [event])));
    unanswered = unanswered.filter((_, i) => retry[i].status !== 200);
    if (unanswered.length > 0) await sleep(250);
  }
  expect(unanswered).toEqual([]);

  // Now every event is counted exactly once, in every session.
  const after = await stateOfAll();
  for (let s = 0; s < sessions; s++) {
    const expected = events.filter((e) => e.user === `s${s}`).map((e) => e.id);
    const { ids, count } = after[`test:s${s}`];
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(count).toBe(expected.length);
  }
  return { answers, ok, refused, refusedButWritten, started, downAt, upAt };
}

/**
 * Quiet failure during an outage: each process says the store is down (a line matching
 * `unavailable`) at least once, says it is back, and writes at most 12 stderr lines in all (down,
 * a count every 5 s, back), not one (with a stack) per refused event.
 */
export function expectQuietOutageLogs(bots: BotProcess[], unavailable: RegExp): void {
  for (const bot of bots) {
    expect(bot.stderr.filter((line) => unavailable.test(line)).length).toBeGreaterThanOrEqual(1); // it said so
    expect(bot.stderr.length).toBeLessThanOrEqual(12); // down, a count every 5 s, back, and nothing per event
    expect(bot.stderr.some((line) => / is back after /.test(line))).toBe(true);
  }
}
