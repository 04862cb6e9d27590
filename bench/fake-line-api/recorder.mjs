// What the fake LINE API keeps of the replies and pushes it received since the last reset.
import { userOfReplyToken } from '../lib/line-webhook.mjs';

const COUNT = /^Count: (\d+)$/;

export class ReplyRecorder {
  constructor() {
    this.reset();
  }

  reset() {
    this.replies = 0;
    this.pushes = 0;
    this.unreadable = 0;
    this.firstNs = NaN;
    this.lastNs = NaN;
    /** user id -> highest count any reply to that user announced */
    this.highest = new Map();
    /** reply tokens seen, to count a token used twice */
    this.tokens = new Set();
    this.reusedTokens = 0;
  }

  /** Records one request body of /v2/bot/message/reply or /push. */
  record(kind, body, atNs) {
    let user;
    if (kind === 'reply') {
      this.replies++;
      if (this.tokens.has(body?.replyToken)) this.reusedTokens++;
      this.tokens.add(body?.replyToken);
      user = userOfReplyToken(body?.replyToken);
    } else {
      this.pushes++;
      user = typeof body?.to === 'string' ? body.to : undefined;
    }
    if (Number.isNaN(this.firstNs)) this.firstNs = atNs;
    this.lastNs = atNs;
    const match = COUNT.exec(body?.messages?.[0]?.text ?? '');
    if (!user || !match) {
      this.unreadable++;
      return;
    }
    const count = Number(match[1]);
    if (!(this.highest.get(user) >= count)) this.highest.set(user, count);
  }

  summary() {
    return {
      replies: this.replies,
      pushes: this.pushes,
      unreadable: this.unreadable,
      reusedTokens: this.reusedTokens,
      firstNs: this.firstNs,
      lastNs: this.lastNs,
      highest: Object.fromEntries(this.highest),
    };
  }
}
