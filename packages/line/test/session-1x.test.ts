import type { SessionInfo } from 'bottender';

import * as fx from './fixtures/events';
import { ALICE, BOB, GROUP, groupSource, ROOM, roomSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

/**
 * Bottender 1.x's handlers read who they talk to from `context.session` (`session.user.id`,
 * `session.group.id`, `session.room.id`), which its LINE connector filled from each event's
 * source. Here the same fields come from the event, next to the session's id and platform.
 */
describe("context.session: Bottender 1.x's user, group and room on LINE", () => {
  let h: LineBotHarness;
  let seen: (SessionInfo | null)[];

  beforeEach(async () => {
    seen = [];
    h = await startLineBot({
      app: async (context: { session: SessionInfo | null; setState(partial: object): void }) => {
        seen.push(context.session);
        context.setState({ seen: true });
      },
    });
  });
  afterEach(() => h.close());

  async function sessionOf(event: unknown): Promise<SessionInfo | null> {
    const answer = await h.post(fx.webhookBody(event));
    expect(answer.status).toBe(200);
    return seen[seen.length - 1];
  }

  it('a 1:1 chat names the user', async () => {
    const session = await sessionOf(fx.textMessage('hi', { source: userSource(ALICE) }));
    expect(session).toMatchObject({ id: `line:${ALICE}`, platform: 'line', user: { id: ALICE } });
    expect(session?.group).toBeUndefined();
    expect(session?.room).toBeUndefined();
    expect(new Date(session!.user!._updatedAt).toISOString()).toBe(session!.user!._updatedAt);
  });

  it('a group names the group and the member who spoke', async () => {
    const session = await sessionOf(fx.textMessage('hi', { source: groupSource(BOB) }));
    expect(session).toMatchObject({ id: `line:${GROUP}`, user: { id: BOB }, group: { id: GROUP } });
  });

  it('a multi-person chat names the room and the member who spoke', async () => {
    const session = await sessionOf(fx.textMessage('hi', { source: roomSource(BOB) }));
    expect(session).toMatchObject({ id: `line:${ROOM}`, user: { id: BOB }, room: { id: ROOM } });
    expect(session?.group).toBeUndefined();
  });

  it('a group event without a user (a join) names the group only, as 1.x left user empty', async () => {
    const session = await sessionOf(fx.join({ source: groupSource(null) }));
    expect(session).toMatchObject({ id: `line:${GROUP}`, group: { id: GROUP } });
    expect(session?.user).toBeUndefined();
  });

  it('the parties are not stored: the state holds only what the handler set', async () => {
    await sessionOf(fx.textMessage('hi', { source: groupSource(BOB) }));
    const record = await h.store.read(`line:${GROUP}`);
    expect(record?.state).toEqual({ seen: true });
    expect(JSON.stringify(record)).not.toContain(BOB);
  });
});
