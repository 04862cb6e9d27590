// Slack Events API bodies as the platform sends them: one `message` event per request, in a
// channel of its own per (tag, index), signed as Slack signs them.
import { createHash, createHmac } from 'node:crypto';

/** A Slack-shaped channel id ("C" + 10 upper-case hex digits), distinct for each (tag, index). */
export function slackChannelId(tag, index) {
  return `C${createHash('md5').update(`${tag}:${index}`).digest('hex').slice(0, 10).toUpperCase()}`;
}

/** An `event_callback` with one new message by a person, unique event_id and ts. */
export function slackMessageBody({ tag, channel, seq, timestamp }) {
  const ts = `${Math.floor(timestamp / 1000)}.${String(seq % 1_000_000).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'bench-verification-token',
    team_id: 'T0BENCH001',
    api_app_id: 'A0BENCH001',
    event: {
      type: 'message',
      client_msg_id: `${tag}-${seq}`,
      text: 'hi',
      user: 'U0BENCHUSR',
      ts,
      team: 'T0BENCH001',
      channel,
      event_ts: ts,
      channel_type: 'channel',
    },
    type: 'event_callback',
    event_id: `Ev${tag.toUpperCase()}${String(seq).padStart(8, '0')}`,
    event_time: Math.floor(timestamp / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0BENCH001', user_id: 'U0BENCHBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-bench-${seq}`,
  });
}

/** The request headers Slack sends: X-Slack-Signature is v0= + hex HMAC-SHA256 of `v0:<ts>:<body>`. */
export function slackHeaders(body, signingSecret, timestampSeconds) {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:`).update(body).digest('hex');
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'X-Slack-Request-Timestamp': String(timestampSeconds),
    'X-Slack-Signature': `v0=${signature}`,
  };
}
