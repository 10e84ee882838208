import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { publishLetter } from '../../functions/tickets/mailbox';
import { actOnTicket } from '../../functions/tickets/tickets';
import { errorReply, routes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import type { Principal } from '../../shared/roles';
import { createDepartment } from '../../tenants/people';
import { putSettings } from '../../tenants/settings';
import { httpEvent, lambdaContext } from '../support/events';
import { tierWorld, U } from '../support/tier-world';

const CITIZEN: Principal = { sub: 'web-citizen', role: 'citizen', unit: U.village };
const OTHER: Principal = { sub: 'web-citizen-2', role: 'citizen', unit: U.village };

/** The tier world with the web pages in process, and a signed-in session for whoever a test names. */
async function world() {
  const w = await tierWorld();
  const handler = apiFunction(routes, { deps: async () => w.deps, errorReply });
  const call = async (routeKey: string, path: string, o: { params?: Record<string, string>; query?: Record<string, string>; cookies?: string[]; form?: string } = {}) => {
    const event = httpEvent({
      routeKey,
      rawPath: path,
      pathParameters: o.params,
      query: o.query,
      headers: { host: 'gov.example', 'x-forwarded-proto': 'https', ...(o.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: o.form,
    });
    if (o.cookies) event.cookies = o.cookies;
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode!, body: String(res.body ?? ''), location: String(res.headers?.location ?? '') };
  };
  const session = async (p: Principal) => {
    const set = await startSession(w.deps, p, Math.floor(w.deps.now().getTime() / 1000) + 3600, true);
    const cookies = [set.split(';')[0]!];
    const me = await call('GET /me', '/me', { cookies });
    return { cookies, csrf: /name="csrf" value="([^"]+)"/.exec(me.body)![1]! };
  };
  return { ...w, call, session };
}
type World = Awaited<ReturnType<typeof world>>;

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const write = (w: World, s: { cookies: string[] }, fields: Record<string, string>, code: string = U.township) =>
  w.call('POST /units/{code}/tickets/new', `/units/${code}/tickets/new`, { params: { code }, cookies: s.cookies, form: form(fields) });
const ticketPage = (w: World, s: { cookies: string[] }, id: string, query: Record<string, string> = {}) =>
  w.call('GET /me/tickets/{code}/{id}', `/me/tickets/${U.township}/${id}`, { params: { code: U.township, id }, query, cookies: s.cookies });
const rate = (w: World, s: { cookies: string[]; csrf: string }, id: string, fields: Record<string, string>) =>
  w.call('POST /me/tickets/{code}/{id}/rating', `/me/tickets/${U.township}/${id}/rating`, { params: { code: U.township, id }, cookies: s.cookies, form: form({ csrf: s.csrf, ...fields }) });
const unitPage = (w: World, code: string) => w.call('GET /units/{code}', `/units/${code}`, { params: { code } });

/** Accepted at the township, passed to the village, answered there and followed up: ready to rate. */
async function answerAndFollowUp(w: World, id: string, answer = '已联系物业，明天清理。') {
  const office = w.people[`admin@${U.township}`]!;
  const village = w.people[`admin@${U.village}`]!;
  await actOnTicket(w.deps, office, U.township, id, { action: 'accept' });
  await actOnTicket(w.deps, office, U.township, id, { action: 'dispatch', to: { unit: U.village } });
  await actOnTicket(w.deps, village, U.township, id, { action: 'sign' });
  await actOnTicket(w.deps, village, U.township, id, { action: 'answer', note: answer });
  await actOnTicket(w.deps, office, U.township, id, { action: 'callback', note: '电话回访，来信人认可' });
}

const COMPLAINT = { type: '投诉', category: '环境卫生', text: '一村12幢楼下垃圾三天没清运。', address: '一村12幢楼下' };

describe('tickets and letters on the portal', () => {
  it('a refused form comes back with each message beside its field and what was typed kept, writing nothing', async () => {
    const w = await world();
    const s = await w.session(CITIZEN);
    const before = w.snapshot();
    const r = await write(w, s, { csrf: s.csrf, title: '垃圾没人清', lat: '30.27' });
    expect(r.status).toBe(400);
    for (const f of ['type', 'category', 'text', 'lng']) expect(r.body, f).toMatch(new RegExp(`<p class="error" id="${f}-error">`));
    expect(r.body).toContain('<p class="error" id="category-error">请选择事项类别</p>');
    expect(r.body).toContain('value="垃圾没人清"');
    expect(r.body).toContain('<details open>');
    expect(w.snapshot()).toBe(before);

    const forged = await write(w, s, { csrf: 'forged', ...COMPLAINT });
    expect(forged.status).toBe(403);
    expect(w.snapshot()).toBe(before);
    // Not signed in: sign in first, and come back to the form.
    const anonymous = await w.call('GET /units/{code}/tickets/new', `/units/${U.township}/tickets/new`, { params: { code: U.township } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toContain(`/sign-in?back=${encodeURIComponent(`/units/${U.township}/tickets/new`)}`);
    expect((await w.call('GET /units/{code}/tickets/new', '/units/330199000000/tickets/new', { params: { code: '330199000000' } })).status).toBe(404);
  });

  it('a citizen files a complaint, sees its reference, deadline and what happens next, reads the reply and rates it once', async () => {
    const w = await world();
    const s = await w.session(CITIZEN);
    const sent = await write(w, s, { csrf: s.csrf, ...COMPLAINT });
    expect(sent.status, sent.body).toBe(303);
    const [, id] = /^\/me\/tickets\/\d{12}\/([0-9A-Z]{26})\?sent=1$/.exec(sent.location)!;
    const confirmation = await ticketPage(w, s, id!, { sent: '1' });
    expect(confirmation.status).toBe(200);
    expect(confirmation.body).toContain(`<strong id="ref">${id}</strong>`);
    expect(confirmation.body).toMatch(/受理期限：<strong>2026-03-\d\d<\/strong>/);
    expect(confirmation.body).toContain('接下来');
    // Times as China's clock shows them.
    expect(confirmation.body).toContain('<dd>2026-03-02 09:00</dd>');
    // Without coordinates the place joins the text.
    expect(confirmation.body).toContain('一村12幢楼下垃圾三天没清运。\n地点：一村12幢楼下');
    expect(confirmation.body).toContain('<h2>一村12幢楼下垃圾三天没清运。</h2>');
    expect(confirmation.body).toContain('尚未答复');
    expect((await w.call('GET /me', '/me', { cookies: s.cookies })).body).toContain(`<a href="/me/tickets/${U.township}/${id}">`);
    // Someone else's ticket, or an id that is none, is not there.
    expect((await ticketPage(w, await w.session(OTHER), id!)).status).toBe(404);
    expect((await ticketPage(w, s, 'nope')).status).toBe(404);

    await answerAndFollowUp(w, id!);
    const answered = await ticketPage(w, s, id!);
    expect(answered.body).toContain('已联系物业，明天清理。');
    expect(answered.body).toContain('已回访，待评价');
    expect(answered.body).toContain(`action="/me/tickets/${U.township}/${id}/rating"`);

    const noLevel = await rate(w, s, id!, { comment: '还行' });
    expect(noLevel.status).toBe(400);
    expect(noLevel.body).toContain('id="level-error"');
    expect(noLevel.body).toContain('>还行</textarea>');

    const rated = await rate(w, s, id!, { level: '5', comment: '处理很快' });
    expect(rated.status).toBe(303);
    expect(rated.location).toBe(`/me/tickets/${U.township}/${id}?rated=1`);
    const after = await ticketPage(w, s, id!, { rated: '1' });
    expect(after.body).toContain('感谢您的评价');
    expect(after.body).toContain('非常满意：处理很快');
    expect(after.body).not.toContain('/rating"');

    const before = w.snapshot();
    const again = await rate(w, s, id!, { level: '1' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('该诉求已评价，不能重复评价');
    expect(again.body).toContain('非常满意：处理很快');
    expect(w.snapshot()).toBe(before);
  });

  it("a unit's page links to the forms, the letter one where it has a leader's office, and shows its public answers and interaction record", async () => {
    const w = await world();
    const page = await unitPage(w, U.township);
    expect(page.body).toContain(`href="/units/${U.township}/tickets/new"`);
    expect(page.body).not.toContain('给领导写信');
    expect(page.body).toContain('暂无公开的来信答复');

    const dept = await createDepartment(w.deps, w.people[`admin@${U.township}`]!, U.township, { name: '党政办公室' });
    await putSettings(w.deps, w.people[`admin@${U.township}`]!, U.township, 0, { tickets: { leaderOffice: dept.id } });
    expect((await unitPage(w, U.township)).body).toContain(`href="/units/${U.township}/tickets/new?mailbox=1"`);

    const s = await w.session(CITIZEN);
    const letterForm = await w.call('GET /units/{code}/tickets/new', `/units/${U.township}/tickets/new`, { params: { code: U.township }, query: { mailbox: '1' }, cookies: s.cookies });
    expect(letterForm.body).toContain('name="publishConsent"');
    const sent = await write(w, s, { csrf: s.csrf, mailbox: '1', type: '建议', category: '社会保障', text: '建议社区食堂为独居老人送餐上门。', publishConsent: 'true' });
    expect(sent.status, sent.body).toBe(303);
    const id = /([0-9A-Z]{26})/.exec(sent.location)![1]!;
    await write(w, s, { csrf: s.csrf, ...COMPLAINT });
    w.setClock('2026-03-02T05:00:00Z');
    await answerAndFollowUp(w, id, '下月起为八十岁以上独居老人送餐上门。');
    await publishLetter(w.deps, w.people[`admin@${U.township}`]!, U.township, id, {});
    await w.settle();

    const shown = await unitPage(w, U.township);
    expect(shown.body).toContain('下月起为八十岁以上独居老人送餐上门。');
    const record = /<table id="record">[\s\S]*?<\/table>/.exec(shown.body)![0].replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
    // Letters then tickets: received, answered, on time, average time to answer.
    expect(record).toContain('|收到|1|1|已答复|1|0|按期答复|1（100%）|0|平均答复用时|4 小时|—|');
    const all = await w.call('GET /units/{code}/letters', `/units/${U.township}/letters`, { params: { code: U.township } });
    expect(all.status).toBe(200);
    expect(all.body).toContain('建议社区食堂为独居老人送餐上门。');
    expect((await w.call('GET /units/{code}/letters', '/units/nope/letters', { params: { code: 'nope' } })).status).toBe(404);
  });
});
