/**
 * The update queue of the fake Bot API, with `getUpdates`' published semantics: an update stays
 * until a call with a higher `offset` confirms it; a call without an offset starts at the first
 * unconfirmed update; with none waiting, the call is held open up to `timeout` seconds; a newer
 * `getUpdates` ends an older one that is still waiting with 409 Conflict.
 */
export interface PendingPoll {
  answer(status: number, body: unknown): void;
}

export const CONFLICT_OTHER_POLLER = {
  ok: false,
  error_code: 409,
  description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

export class UpdateQueue {
  /** Updates not confirmed yet, oldest first. */
  readonly pending: Record<string, unknown>[] = [];
  /** Every update_id ever confirmed (by an offset above it), in order. */
  readonly confirmed: number[] = [];
  /**
   * While true, offsets confirm nothing: as if every confirming call was lost with a process that
   * was killed, so the next start gets the same updates again.
   */
  loseConfirmations = false;
  #nextId = 1;
  #waiting: { poll: PendingPoll; limit: number; timer: NodeJS.Timeout } | undefined;

  /** Adds an update (its update_id is assigned when absent) and wakes a waiting poll. */
  push(update: Record<string, unknown>): number {
    const id = typeof update.update_id === 'number' ? update.update_id : this.#nextId;
    this.#nextId = Math.max(this.#nextId, id + 1);
    this.pending.push({ ...update, update_id: id });
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      clearTimeout(waiting.timer);
      waiting.poll.answer(200, { ok: true, result: this.pending.slice(0, waiting.limit) });
    }
    return id;
  }

  /** Confirms every update below `offset`. */
  confirm(offset: number): void {
    while (this.pending.length > 0 && (this.pending[0].update_id as number) < offset) {
      this.confirmed.push(this.pending.shift()!.update_id as number);
    }
  }

  /** Drops every unconfirmed update (deleteWebhook / setWebhook with drop_pending_updates). */
  drop(): void {
    this.pending.length = 0;
  }

  /** Answers a `getUpdates` call now or when an update arrives or `timeout` passes. */
  poll(params: Record<string, unknown>, poll: PendingPoll): void {
    const offset = typeof params.offset === 'number' ? params.offset : undefined;
    const limit = clamp(typeof params.limit === 'number' ? params.limit : 100, 1, 100);
    const timeout = clamp(typeof params.timeout === 'number' ? params.timeout : 0, 0, 50);
    if (offset !== undefined && offset >= 0 && !this.loseConfirmations) this.confirm(offset);
    const previous = this.#waiting;
    if (previous) {
      this.#waiting = undefined;
      clearTimeout(previous.timer);
      previous.poll.answer(409, CONFLICT_OTHER_POLLER);
    }
    const result = offset !== undefined && offset < 0 ? this.pending.slice(offset).slice(0, limit) : this.pending.slice(0, limit);
    if (result.length > 0 || timeout === 0) {
      poll.answer(200, { ok: true, result });
      return;
    }
    const timer = setTimeout(() => {
      if (this.#waiting?.poll !== poll) return;
      this.#waiting = undefined;
      poll.answer(200, { ok: true, result: [] });
    }, timeout * 1000);
    this.#waiting = { poll, limit, timer };
  }

  /** Ends a waiting poll (the fake is closing). */
  close(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.poll.answer(200, { ok: true, result: [] });
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
