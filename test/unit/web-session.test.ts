import { describe, expect, it } from 'vitest';
import { hashOf, readSession, startSession } from '../../functions/web/session';
import { httpEvent } from '../support/events';
import { memoryDeps } from '../support/memory-deps';

const STAFF = { sub: 'session-staff', role: 'staff', unit: '330106000000' } as const;
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZXNzaW9uLXN0YWZmIn0.c2lnbmF0dXJl';

async function signedIn() {
  const { deps } = memoryDeps();
  const set = await startSession(deps, STAFF, Math.floor(deps.now().getTime() / 1000) + 3600, true, TOKEN);
  const sid = set.slice(0, set.indexOf(';'));
  const id = sid.split('=')[1]!;
  const key = { pk: `session#${hashOf(id)}`, sk: 'session' };
  const read = (cookie = sid) => {
    const event = httpEvent({ routeKey: 'GET /me', headers: { host: 'gov.example', 'x-forwarded-proto': 'https' } });
    event.cookies = [cookie];
    return readSession(deps, event);
  };
  return { deps, key, read };
}

describe('the session item', () => {
  it('holds the ID token sealed: not in the stored item, yet the request with the cookie gets it', async () => {
    const { deps, key, read } = await signedIn();
    const stored = JSON.stringify(await deps.store.get('registry', key));
    for (const part of TOKEN.split('.')) expect(stored).not.toContain(part);
    expect((await read())?.session).toMatchObject({ principal: STAFF, token: TOKEN });
  });

  it('a changed sealed token, or one moved from another session, is no session at all', async () => {
    const { deps, key, read } = await signedIn();
    const item = (await deps.store.get('registry', key))!;
    const sealed = item.sealedToken as string;
    const flipped = `${sealed.slice(0, -4)}${sealed.at(-4) === 'A' ? 'B' : 'A'}${sealed.slice(-3)}`;
    await deps.store.write({ op: 'put', table: 'registry', item: { ...item, sealedToken: flipped } });
    expect(await read()).toBeUndefined();

    const other = await signedIn();
    await other.deps.store.write({ op: 'put', table: 'registry', item: { ...(await other.deps.store.get('registry', other.key))!, sealedToken: sealed } });
    expect(await other.read()).toBeUndefined();
  });

  it('a session without a token (a resident signed in for the portal alone) is read as before', async () => {
    const { deps } = memoryDeps();
    const set = await startSession(deps, STAFF, Math.floor(deps.now().getTime() / 1000) + 3600, true);
    const event = httpEvent({ routeKey: 'GET /me', headers: { host: 'gov.example', 'x-forwarded-proto': 'https' } });
    event.cookies = [set.slice(0, set.indexOf(';'))];
    const s = await readSession(deps, event);
    expect(s?.session.principal).toEqual(STAFF);
    expect(s?.session.token).toBeUndefined();
  });
});
