import { describe, expect, it } from 'vitest';
import { KEPT_SECONDS, keepForm, resumeForm } from '../../functions/web/kept-form';
import { pageContext } from '../../functions/web/page';
import { hashOf, startSession } from '../../functions/web/session';
import { httpEvent } from '../support/events';
import { memoryDeps } from '../support/memory-deps';

const CITIZEN = { sub: 'kept-citizen', role: 'citizen', unit: '330106002051' } as const;
const PATH = '/units/330106002051/services/330000000000/birth-cert/apply';
const ORIGIN = 'https://gov.example';
const POSTED = { csrf: 'old-session-token', 'applicant.name': '王小明', 'applicant.idNumber': '11010519491231002X', 'form.hospital': ['甲', '乙'] };

const cookieValue = (set: string) => set.slice(0, set.indexOf(';'));

function setup() {
  let now = new Date('2026-03-02T01:00:00Z');
  const { deps } = memoryDeps(() => now);
  const ctx = async (method: 'GET' | 'POST', o: { path?: string; cookies?: string[]; headers?: Record<string, string> } = {}) => {
    const event = httpEvent({ routeKey: `${method} /units/{code}/services/{definer}/{item}/apply`, rawPath: o.path ?? PATH, headers: { host: 'gov.example', 'x-forwarded-proto': 'https', ...o.headers } });
    if (o.cookies) event.cookies = o.cookies;
    return pageContext(deps, event);
  };
  const signIn = async () => cookieValue(await startSession(deps, CITIZEN, Math.floor(now.getTime() / 1000) + 3600, true));
  /** Posts the form without a session, as a page of this site; the kept cookie and where the reader was sent. */
  const post = async (headers: Record<string, string> = { origin: ORIGIN }) => {
    const reply = await keepForm(await ctx('POST', { headers }), POSTED);
    return { reply, kept: reply.cookies?.map(cookieValue)[0] };
  };
  return { deps, ctx, signIn, post, later: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
}

describe('a form posted after its session ended', () => {
  it('is kept sealed, the reader sent to sign in and back, and after sign-in the same page has it again, once, with a note', async () => {
    const { deps, ctx, signIn, post } = setup();
    const { reply, kept } = await post();
    expect(reply.status).toBe(303);
    expect(reply.headers?.location).toBe(`/sign-in?back=${encodeURIComponent(PATH)}`);
    expect(kept).toMatch(/^__Host-kept=[\w-]{43}$/);
    expect(reply.cookies![0]).toContain('HttpOnly');
    expect(reply.cookies![0]).toContain(`Max-Age=${KEPT_SECONDS}`);
    // Server-side, and unreadable from the table: neither the answers nor the old CSRF token in clear.
    const id = kept!.split('=')[1]!;
    const item = await deps.store.get('registry', { pk: `keptform#${hashOf(id)}`, sk: 'keptform' });
    expect(item).toMatchObject({ path: PATH });
    const stored = JSON.stringify(item);
    for (const secret of ['王小明', '11010519491231002X', 'old-session-token', id]) expect(stored).not.toContain(secret);

    const back = await ctx('GET', { cookies: [await signIn(), kept!] });
    expect(await resumeForm(back)).toEqual({ 'applicant.name': '王小明', 'applicant.idNumber': '11010519491231002X', 'form.hospital': ['甲', '乙'] });
    expect(back.notice?.zh).toContain('填写的内容已为您保留');
    // Once: a second visit starts empty, and says nothing.
    const again = await ctx('GET', { cookies: [await signIn(), kept!] });
    expect(await resumeForm(again)).toBeUndefined();
    expect(again.notice).toBeUndefined();
  });

  it('is given back only on its own page, only when signed in, and only before it expires', async () => {
    const { ctx, signIn, post, later } = setup();
    const { kept } = await post();
    expect(await resumeForm(await ctx('GET', { cookies: [kept!] }))).toBeUndefined();
    expect(await resumeForm(await ctx('GET', { path: '/units/330106002051/services/330000000000/other/apply', cookies: [await signIn(), kept!] }))).toBeUndefined();
    // Still there for its page after those; gone once it has expired.
    later(KEPT_SECONDS + 1);
    expect(await resumeForm(await ctx('GET', { cookies: [await signIn(), kept!] }))).toBeUndefined();
  });

  it('a changed sealed item or another id opens to nothing', async () => {
    const { deps, ctx, signIn, post } = setup();
    const { kept } = await post();
    const id = kept!.split('=')[1]!;
    const key = { pk: `keptform#${hashOf(id)}`, sk: 'keptform' };
    const item = (await deps.store.get('registry', key))!;
    const sealed = item.sealed as string;
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === 'A' ? 'B' : 'A'}${sealed.slice(21)}`;
    await deps.store.write({ op: 'put', table: 'registry', item: { ...item, sealed: flipped } });
    expect(await resumeForm(await ctx('GET', { cookies: [await signIn(), kept!] }))).toBeUndefined();
    expect(await resumeForm(await ctx('GET', { cookies: [await signIn(), `__Host-kept=${id.slice(1)}x`] }))).toBeUndefined();
  });

  it('a post from another site is not kept: the reader is only sent to sign in', async () => {
    const { post } = setup();
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, {}] as Record<string, string>[]) {
      const { reply, kept } = await post(headers);
      expect(reply.status).toBe(303);
      expect(reply.headers?.location).toBe(`/sign-in?back=${encodeURIComponent(PATH)}`);
      expect(kept).toBeUndefined();
    }
    expect((await post({ 'sec-fetch-site': 'same-origin' })).kept).toBeDefined();
  });
});
