/**
 * One lane per session: the in-process half of "one event at a time per session" (promise 1;
 * the store's lock is the other half). A job enters its session's lane and starts when it is at
 * the front; it leaves when done, or when it is given up (a bound passed), which starts the next.
 * Unlike a promise chain, a waiting job can be taken out of its lane when its wait is too long.
 */

/** A job waiting in or holding a lane. */
export interface LaneJob {
  /** Called once, when the job is at the front of every lane it needs. */
  start(): void;
}

/** A busy lane with nobody waiting: no array is made until a second job comes (the usual case). */
const NOBODY_WAITING = null;

export class SessionLanes {
  /** Busy lanes by session id, with the jobs waiting behind the one that holds each. */
  readonly #lanes = new Map<string, LaneJob[] | typeof NOBODY_WAITING>();

  /** Queues `job` in lane `id`; it starts at once when the lane is free. */
  enter(id: string, job: LaneJob): void {
    const waiting = this.#lanes.get(id);
    if (waiting === undefined) {
      this.#lanes.set(id, NOBODY_WAITING);
      job.start();
    } else if (waiting === NOBODY_WAITING) {
      this.#lanes.set(id, [job]);
    } else {
      waiting.push(job);
    }
  }

  /** Like {@link enter}, but `job` goes first among the waiting jobs (held events before new ones). */
  enterFirst(id: string, job: LaneJob): void {
    const waiting = this.#lanes.get(id);
    if (waiting === undefined || waiting === NOBODY_WAITING) this.enter(id, job);
    else waiting.unshift(job);
  }

  /** The job holding lane `id` is done: the next waiting one starts. */
  leave(id: string): void {
    const waiting = this.#lanes.get(id);
    const next = waiting ? waiting.shift() : undefined;
    if (next === undefined) this.#lanes.delete(id);
    else next.start();
  }

  /** Takes a waiting job out of lane `id`; false when it is not waiting there (it started). */
  withdraw(id: string, job: LaneJob): boolean {
    const waiting = this.#lanes.get(id);
    const index = waiting ? waiting.indexOf(job) : -1;
    if (index === -1) return false;
    waiting!.splice(index, 1);
    return true;
  }

  /**
   * Holds lanes `a` and `b` together, taken in a fixed (sorted) order so two jobs needing the same
   * pair never wait on each other. `job.start` runs once both are held; leave both when done.
   */
  enterBoth(a: string, b: string, job: LaneJob): { first: string; second: string; outer: LaneJob } {
    const [first, second] = a < b ? [a, b] : [b, a];
    const outer: LaneJob = {
      start: () => this.enter(second, job),
    };
    this.enter(first, outer);
    return { first, second, outer };
  }

  /** Sessions with a job running or waiting. */
  get size(): number {
    return this.#lanes.size;
  }
}
