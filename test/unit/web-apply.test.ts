import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { errorReply, routes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import { askedFields } from '../../functions/web/case-actions';
import { CHECK_FILE, CHECK_HREF, CHECK_SCRIPT, type ClientRule } from '../../functions/web/form-check';
import { getApplicationOp } from '../../functions/services/api';
import { httpEvent, lambdaContext } from '../support/events';
import { apply, applicant, form, ITEM, itemInput, RESIDENT_ID, step, U, withItem } from '../support/services-world';

/** The in-page check's rule evaluation, run as the browser runs the script. */
const inPage = (() => {
  const scope: { message?: (r: ClientRule, v: string | unknown[]) => string } = {};
  runInNewContext(CHECK_SCRIPT, scope);
  return scope.message!;
})();

async function site() {
  const w = await withItem();
  const handler = apiFunction(routes, { deps: async () => w.deps, errorReply });
  const set = await startSession(w.deps, w.people.citizen!, Math.floor(w.deps.now().getTime() / 1000) + 3600, true);
  const cookies = [set.split(';')[0]!];
  const call = async (routeKey: string, params: Record<string, string>, path: string, o: { form?: Record<string, string | string[]>; query?: Record<string, string>; english?: boolean } = {}) => {
    const body = o.form && new URLSearchParams(Object.entries(o.form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))).toString();
    const event = httpEvent({
      routeKey,
      rawPath: path,
      pathParameters: params,
      query: o.query,
      headers: { host: 'gov.example', 'x-forwarded-proto': 'https', ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    event.cookies = o.english ? [...cookies, 'lang=en'] : cookies;
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode!, body: String(res.body ?? ''), headers: res.headers ?? {} };
  };
  const casePage = (id: string, query?: Record<string, string>, english = false) =>
    call('GET /me/applications/{code}/{id}', { code: U.county, id }, `/me/applications/${U.county}/${id}`, { query, english });
  const post = (id: string, what: 'supplement' | 'rating', values: Record<string, string>) =>
    call(`POST /me/applications/{code}/{id}/${what}`, { code: U.county, id }, `/me/applications/${U.county}/${id}/${what}`, { form: values });
  const applyPath = `/units/${U.county}/services/${U.province}/${ITEM}/apply`;
  const applyParams = { code: U.county, definer: U.province, item: ITEM };
  const csrf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const read = async (id: string) => (await w.api(getApplicationOp, { params: { code: U.county, id }, token: w.token('citizen') })).body;
  return { w, call, casePage, post, applyPath, applyParams, csrf, read };
}

const rulesOf = (page: string): ClientRule[] =>
  JSON.parse(/data-rules="([^"]*)"/.exec(page)![1]!.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'));
const errorOf = (page: string, id: string) => new RegExp(`<p class="error" id="${id}-error">([^<]*)</p>`).exec(page)?.[1];

describe('applying in the page: the in-page check and the server say the same', () => {
  it('every message the apply form checks in the page is the one the server gives for the same answer', async () => {
    const s = await site();
    const shown = await s.call('GET /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain(`<script src="${CHECK_HREF}" defer></script>`);
    const rules = rulesOf(shown.body);
    expect(rules.map((r) => r.name)).toEqual(['applicant.name', 'applicant.idNumber', 'applicant.phone', 'form.applicantName', 'form.babyName', 'form.birthDate', 'form.hospital']);

    const bad: Record<string, string> = {
      'applicant.name': ' ',
      'applicant.idNumber': '110105194912310021',
      'applicant.phone': '12345',
      'form.applicantName': '',
      'form.babyName': '王'.repeat(51),
      'form.birthDate': '2026-02-30',
    };
    const refused = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, { form: { csrf: s.csrf(shown.body), ...bad } });
    expect(refused.status).toBe(400);
    for (const r of rules) {
      const server = errorOf(refused.body, r.id);
      const page = inPage(r, r.kind === 'pick' ? [] : (bad[r.name] ?? ''));
      expect(page, r.name).toBe(server);
      expect(page, r.name).not.toBe('');
    }
    // What was typed is kept.
    expect(refused.body).toContain(`value="${'王'.repeat(51)}"`);
  });

  it('the in-page check lets through what the server takes', async () => {
    const s = await site();
    const shown = await s.call('GET /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath);
    const good: Record<string, string | unknown[]> = {
      'applicant.name': applicant.name,
      'applicant.idNumber': RESIDENT_ID.toLowerCase(),
      'applicant.phone': applicant.phone,
      'form.applicantName': form.applicantName,
      'form.babyName': form.babyName,
      'form.birthDate': '2024-02-29',
      'form.hospital': ['checked'],
    };
    for (const r of rulesOf(shown.body)) expect(inPage(r, good[r.name]!), r.name).toBe('');
    const sent = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, {
      form: { csrf: s.csrf(shown.body), ...(good as Record<string, string>), 'form.hospital': '市一医院' },
    });
    expect(sent.status, sent.body).toBe(303);
    expect(sent.headers.location).toMatch(new RegExp(`^/me/applications/${U.county}/\\w+\\?sent=1$`));
  });

  it('bounds and numbers: the rules carry them, and each refusal has its own message', () => {
    const number: ClientRule = { name: 'n', id: 'n', kind: 'number', min: 1, max: 9, m: { nan: 'NaN', low: 'low', high: 'high', empty: 'empty' } };
    expect(['x', '0', '10', '', ' 5 '].map((v) => inPage(number, v))).toEqual(['NaN', 'low', 'high', 'empty', '']);
    const optional: ClientRule = { name: 't', id: 't', kind: 'text', min: 2, max: 3, m: { blank: 'blank', short: 'short', long: 'long' } };
    expect(['', '  ', 'a', 'abcd', 'abc'].map((v) => inPage(optional, v))).toEqual(['', 'blank', 'short', 'long', '']);
  });

  it('the script is served from this origin under its hash, cached for a year', async () => {
    const s = await site();
    const r = await s.call('GET /assets/{file}', { file: CHECK_FILE }, CHECK_HREF);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.body).toBe(CHECK_SCRIPT);
  });
});

describe('the case page: 补正 and 好差评', () => {
  it('asks for what is missing, keeps the answers of a refused reply, then takes it and says what happens next', async () => {
    const s = await site();
    const id = (await apply(s.w)).body.id as string;
    await step(s.w, id, 'request-supplement', { missing: ['新生儿姓名与出生医学证明不一致'], reason: '请核对新生儿姓名' });

    const page = await s.casePage(id);
    expect(page.status).toBe(200);
    expect(page.body).toContain('需要您补正');
    expect(page.body).toContain('请核对新生儿姓名');
    expect(page.body).toContain('<li>新生儿姓名与出生医学证明不一致</li>');
    // Only the field the request names, with the answer given before; the page's check comes with it.
    expect(page.body).toContain('id="form-babyName" name="form.babyName" value="王一一"');
    expect(page.body).not.toContain('name="form.hospital"');
    expect(page.body).toContain(CHECK_HREF);
    const rules = rulesOf(page.body);
    expect(rules.map((r) => r.name)).toEqual(['form.babyName', 'note']);

    // No note: refused beside the field, the answer kept, the same message the page's check has; nothing changed.
    const refused = await s.post(id, 'supplement', { csrf: s.csrf(page.body), 'form.babyName': '王二二', note: '' });
    expect(refused.status).toBe(400);
    expect(errorOf(refused.body, 'note')).toBe('不能为空');
    expect(inPage(rules[1]!, '')).toBe('不能为空');
    expect(refused.body).toContain('value="王二二"');
    expect((await s.read(id)).status).toBe('supplement');

    const forged = await s.post(id, 'supplement', { csrf: 'not-the-token', 'form.babyName': '王二二', note: '已更正' });
    expect(forged.status).toBe(403);
    expect((await s.read(id)).status).toBe('supplement');

    const ok = await s.post(id, 'supplement', { csrf: s.csrf(page.body), 'form.babyName': '王二二', note: '已更正姓名' });
    expect(ok.status, ok.body).toBe(303);
    expect(ok.headers.location).toBe(`/me/applications/${U.county}/${id}?done=supplement`);
    const after = await s.read(id);
    expect(after).toMatchObject({ status: 'submitted', form: { babyName: '王二二', hospital: '市一医院' } });
    const done = await s.casePage(id, { done: 'supplement' });
    expect(done.body).toContain('补正已提交');
    expect(done.body).toContain(after.ref);
    expect(done.body).toContain('接下来');
    expect(done.body).not.toContain('需要您补正');

    // The same reply again, from a page left open: the case as it is now, with why.
    const again = await s.post(id, 'supplement', { csrf: s.csrf(page.body), 'form.babyName': '王三三', note: '再改' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('此办件现在无需补正');
    expect((await s.read(id)).form.babyName).toBe('王二二');
  });

  it('rates a completed case once, on the five national levels, and shows the rating in the timeline', async () => {
    const s = await site();
    const id = (await apply(s.w)).body.id as string;
    const early = await s.casePage(id);
    expect(early.body).not.toContain('评价本次办理');
    for (const a of ['accept', 'review', 'approve', 'complete']) expect((await step(s.w, id, a)).status, a).toBe(200);

    const page = await s.casePage(id);
    expect(page.body).toContain('评价本次办理');
    for (const level of ['非常满意', '满意', '基本满意', '不满意', '非常不满意']) expect(page.body).toContain(`> ${level}</label>`);
    expect(page.body).toContain('结果核验码');

    const none = await s.post(id, 'rating', { csrf: s.csrf(page.body), comment: '窗口很耐心' });
    expect(none.status).toBe(400);
    expect(errorOf(none.body, 'level')).toBe('此项必填');
    expect(none.body).toContain('窗口很耐心</textarea>');
    expect((await s.read(id)).rating).toBeUndefined();

    const ok = await s.post(id, 'rating', { csrf: s.csrf(page.body), level: 'satisfied', comment: '窗口很耐心' });
    expect(ok.status, ok.body).toBe(303);
    const done = await s.casePage(id, { done: 'rating' });
    expect(done.body).toContain('感谢您的评价');
    expect(done.body).toContain('记入办理部门的好差评统计');
    expect(done.body).toContain('<strong>满意</strong>：窗口很耐心');
    expect(done.body).toMatch(/<li><time[^>]*>[^<]*<\/time> 评价：满意<\/li>/);
    expect(done.body).not.toContain('提交评价');
    const english = await s.casePage(id, undefined, true);
    expect(english.body).toContain('<h2 id="rating">Your rating</h2>');
    expect(english.body).toContain('<strong>Satisfied</strong>');
    expect(english.body).toMatch(/<\/time> Rated: Satisfied<\/li>/);

    const twice = await s.post(id, 'rating', { csrf: s.csrf(page.body), level: 'very-dissatisfied' });
    expect(twice.status).toBe(409);
    expect(twice.body).toContain('每件只能评价一次');
    expect((await s.read(id)).rating.level).toBe('satisfied');
  });

  it('a bad rating says the department will call back', async () => {
    const s = await site();
    const id = (await apply(s.w)).body.id as string;
    for (const a of ['accept', 'review', 'approve', 'complete']) await step(s.w, id, a);
    const page = await s.casePage(id);
    expect((await s.post(id, 'rating', { csrf: s.csrf(page.body), level: 'dissatisfied' })).status).toBe(303);
    expect((await s.casePage(id, { done: 'rating' })).body).toContain('办理部门将回访您');
  });

  it('someone else’s case, or a case id that is none, is a 404 page', async () => {
    const s = await site();
    const theirs = (await apply(s.w, U.county, 'citizen2')).body.id as string;
    expect((await s.casePage(theirs)).status).toBe(404);
    expect((await s.post(theirs, 'rating', { csrf: 'x', level: 'satisfied' })).status).toBe(404);
    expect((await s.casePage('nope')).status).toBe(404);
  });

  it('a 补正 that names no field of the form asks the whole form again', () => {
    const fields = itemInput(ITEM).form;
    expect(askedFields(fields, ['户口簿复印件']).map((f) => f.name)).toEqual(fields.map((f) => f.name));
    expect(askedFields(fields, ['出生日期有误', 'babyName']).map((f) => f.name)).toEqual(['babyName', 'birthDate']);
  });
});
