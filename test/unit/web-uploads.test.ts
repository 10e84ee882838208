import { describe, expect, it, vi } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { errorReply, routes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import { bucketOrigin, UPLOAD_FILE, UPLOAD_HREF, UPLOAD_SCRIPT } from '../../functions/web/uploads';
import { startUploadOp } from '../../functions/uploads/api';
import { ownerFolder } from '../../functions/uploads/attachments';
import { getApplicationOp } from '../../functions/services/api';
import type { Principal } from '../../shared/roles';
import type { MemoryStore } from '../../shared/store/memory-store';
import { storeSnapshot } from '../support/memory-deps';
import { httpEvent, lambdaContext } from '../support/events';
import { apply, ITEM, RESIDENT_ID, step, U, withItem } from '../support/services-world';

type Form = Record<string, string | string[]>;

async function site(who: string = 'citizen') {
  const w = await withItem();
  let presigned = 0;
  const presign = w.deps.files.presignPost;
  w.deps.files.presignPost = (...a) => (presigned++, presign(...a));
  const handler = apiFunction(routes, { deps: async () => w.deps, errorReply });
  const principal = w.people[who]!;
  const set = await startSession(w.deps, principal, Math.floor(w.deps.now().getTime() / 1000) + 3600, true);
  const cookies = [set.split(';')[0]!];
  const call = async (routeKey: string, params: Record<string, string>, path: string, o: { form?: Form; english?: boolean; signedOut?: boolean } = {}) => {
    const body = o.form && new URLSearchParams(Object.entries(o.form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))).toString();
    const event = httpEvent({
      routeKey,
      rawPath: path,
      pathParameters: params,
      headers: { host: 'gov.example', 'x-forwarded-proto': 'https', ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    event.cookies = o.signedOut ? [] : o.english ? [...cookies, 'lang=en'] : cookies;
    const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
    return { status: res.statusCode!, body: String(res.body ?? ''), headers: res.headers ?? {} };
  };
  const applyPath = `/units/${U.county}/services/${U.province}/${ITEM}/apply`;
  const applyParams = { code: U.county, definer: U.province, item: ITEM };
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const shown = await call('GET /units/{code}/services/{definer}/{item}/apply', applyParams, applyPath);
  // The sign-out form of every page carries the session's token.
  const csrf = csrfOf((await call('GET /me', {}, '/me')).body);
  const upload = (form: Form, o: { english?: boolean; signedOut?: boolean } = {}) => call('POST /units/{code}/uploads', { code: U.county }, `/units/${U.county}/uploads`, { form, ...o });
  return { w, principal, call, shown, csrf, upload, applyPath, applyParams, presigned: () => presigned };
}

const pdf = { name: '父母双方身份证.pdf', type: 'application/pdf', size: '2048' };
/** An object in the memory bucket where the presigned POST says, as the browser would have sent it. */
const arrive = async (w: Awaited<ReturnType<typeof withItem>>, key: string, bytes: number, type = 'application/pdf') => w.deps.files.put(key, 'x'.repeat(bytes), type);

describe('the pages’ upload route: a presigned POST for the signed-in resident', () => {
  it('answers the presigned POST as JSON, in the resident’s own folder at the unit', async () => {
    const s = await site();
    const res = await s.upload({ csrf: s.csrf, ...pdf });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const out = JSON.parse(res.body) as { key: string; url: string; fields: Record<string, string> };
    expect(out.key.startsWith(ownerFolder(U.county, s.principal))).toBe(true);
    expect(out.key.endsWith('/父母双方身份证.pdf')).toBe(true);
    expect(out.fields).toMatchObject({ key: out.key, 'Content-Type': 'application/pdf' });
    expect(out.url).toBe('memory://files');
  });

  it('refuses a bad type or size with the API’s own messages, in the reader’s language, and signs nothing', async () => {
    const s = await site();
    const before = storeSnapshot(s.w.store as MemoryStore);
    for (const [body, english] of [
      [{ ...pdf, type: 'application/x-msdownload' }, false],
      [{ ...pdf, name: 'a.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }, true],
      [{ ...pdf, size: String(11 * 1024 * 1024) }, false],
      [{ ...pdf, size: 'many' }, true],
      [{ ...pdf, name: ' ' }, false],
    ] as const) {
      const page = await s.upload({ csrf: s.csrf, ...body }, { english });
      const api = await s.w.api(startUploadOp, {
        params: { code: U.county },
        body: { purpose: 'application', ...body, size: /^\d+$/.test(body.size) ? Number(body.size) : body.size },
        token: s.w.token('citizen'),
        headers: english ? { 'accept-language': 'en' } : {},
      });
      expect(page.status, JSON.stringify(body)).toBe(400);
      expect(api.status).toBe(400);
      const fields = (JSON.parse(page.body) as { error: { fields: unknown[] } }).error.fields;
      expect(fields.length).toBeGreaterThan(0);
      expect(fields).toEqual((api.body as { error: { fields: unknown[] } }).error.fields);
    }
    expect(s.presigned()).toBe(0);
    expect(storeSnapshot(s.w.store as MemoryStore)).toBe(before);
  });

  it('takes the session’s CSRF token only, and a signed-in resident or business only', async () => {
    const s = await site();
    const bad = await s.upload({ csrf: 'forged', ...pdf });
    expect(bad.status).toBe(403);
    expect((JSON.parse(bad.body) as { error: { code: string } }).error.code).toBe('forbidden');
    const none = await s.upload({ ...pdf });
    expect(none.status).toBe(403);
    const out = await s.upload({ csrf: s.csrf, ...pdf }, { signedOut: true });
    expect(out.status).toBe(401);
    expect(s.presigned()).toBe(0);

    const staff = await site(`clerk@${U.county}`);
    const refused = await staff.upload({ csrf: staff.csrf, ...pdf });
    expect(refused.status).toBe(403);
    expect(staff.presigned()).toBe(0);
  });

  it('a unit code that is none is a 404, as in the API', async () => {
    const s = await site();
    const res = await s.call('POST /units/{code}/uploads', { code: '339999000000' }, '/units/339999000000/uploads', { form: { csrf: s.csrf, ...pdf } });
    expect(res.status).toBe(404);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('attachments on the apply form and the 补正', () => {
  const filled = (csrf: string): Form => ({
    csrf,
    'applicant.name': '王小明',
    'applicant.idNumber': RESIDENT_ID,
    'applicant.phone': '13800138000',
    'form.applicantName': '王小明',
    'form.babyName': '王一一',
    'form.birthDate': '2026-02-20',
    'form.hospital': '市一医院',
  });

  it('offers a file input per material, says what to do without JavaScript, and lets the page reach the bucket only here', async () => {
    const s = await site();
    expect(s.shown.body).toContain('<label for="attachments-0">父母双方身份证</label>');
    expect(s.shown.body).toContain('上传附件需要启用 JavaScript');
    expect(s.shown.body).toContain(`<script src="${UPLOAD_HREF}" defer></script>`);
    expect(s.shown.headers['content-security-policy']).toMatch(/connect-src 'self' \S+;/);
    const home = await s.call('GET /units/{code}', { code: U.county }, `/units/${U.county}`);
    expect(home.headers['content-security-policy']).toContain("connect-src 'self';");
    const js = await s.call('GET /assets/{file}', { file: UPLOAD_FILE }, UPLOAD_HREF);
    expect(js.body).toBe(UPLOAD_SCRIPT);
  });

  it('claims an uploaded file with the application, lists it on the case; a file that never arrived is refused beside its slot', async () => {
    const s = await site();
    const up = JSON.parse((await s.upload({ csrf: s.csrf, ...pdf })).body) as { key: string };
    const ref = JSON.stringify({ key: up.key, name: pdf.name, type: pdf.type, size: 2048 });

    const before = storeSnapshot(s.w.store as MemoryStore);
    const missing = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, { form: { ...filled(s.csrf), 'attachments.0': ref } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatch(/<p class="error" id="attachments-0-error">文件尚未上传成功，请重新上传<\/p>/);
    // The reference is kept for the next try.
    expect(missing.body).toContain('name="attachments.0" value="{&quot;key&quot;');
    expect(storeSnapshot(s.w.store as MemoryStore)).toBe(before);

    await arrive(s.w, up.key, 2048);
    const sent = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, { form: { ...filled(s.csrf), 'attachments.0': ref } });
    expect(sent.status, sent.body).toBe(303);
    const [, id] = /\/me\/applications\/\d{12}\/(\w+)/.exec(String(sent.headers.location))!;
    const read = await s.w.api(getApplicationOp, { params: { code: U.county, id: id! }, token: s.w.token('citizen') });
    expect((read.body as { attachments: unknown[] }).attachments).toEqual([{ key: up.key, name: pdf.name, type: pdf.type, size: 2048 }]);
    const page = await s.call('GET /me/applications/{code}/{id}', { code: U.county, id: id! }, `/me/applications/${U.county}/${id}`);
    // Listed with a link to download it.
    expect(page.body).toContain(`<li><a href="/files/applications/${U.county}/${id}/0">${pdf.name}</a><span>PDF · 2 KB</span></li>`);
  });

  it('a reference that is not the resident’s own file is refused with the API’s message, nothing written', async () => {
    const s = await site();
    const before = storeSnapshot(s.w.store as MemoryStore);
    const theirs = JSON.stringify({ key: `${ownerFolder(U.county, { sub: 'someone-else' } as Principal)}01J/a.pdf`, name: 'a.pdf', type: 'application/pdf', size: 10 });
    const res = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, { form: { ...filled(s.csrf), 'attachments.0': theirs } });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/id="attachments-0-error">不是您在本单位上传的文件</);
    const junk = await s.call('POST /units/{code}/services/{definer}/{item}/apply', s.applyParams, s.applyPath, { form: { ...filled(s.csrf), 'attachments.0': 'not json' } });
    expect(junk.status).toBe(400);
    expect(junk.body).toMatch(/id="attachments-0-error">附件信息无效，请重新上传</);
    expect(storeSnapshot(s.w.store as MemoryStore)).toBe(before);
  });

  it('a 补正 asking for a document offers a file for it, and the reply adds the file to the case', async () => {
    const s = await site();
    const made = await apply(s.w);
    const id = (made.body as { id: string }).id;
    expect((await step(s.w, id, 'request-supplement', { missing: ['户口簿复印件'] })).status).toBe(200);
    const path = `/me/applications/${U.county}/${id}`;
    const shown = await s.call('GET /me/applications/{code}/{id}', { code: U.county, id }, path);
    expect(shown.body).toContain('<label for="attachments-0">户口簿复印件</label>');
    expect(shown.headers['content-security-policy']).toMatch(/connect-src 'self' \S+;/);
    const up = JSON.parse((await s.upload({ csrf: s.csrf, name: '户口簿.png', type: 'image/png', size: '300' })).body) as { key: string };
    await arrive(s.w, up.key, 300, 'image/png');
    const ref = JSON.stringify({ key: up.key, name: '户口簿.png', type: 'image/png', size: 300 });
    const res = await s.call('POST /me/applications/{code}/{id}/supplement', { code: U.county, id }, `${path}/supplement`, {
      form: { csrf: s.csrf, note: '已补充户口簿', 'attachments.0': ref },
    });
    expect(res.status, res.body).toBe(303);
    const read = await s.w.api(getApplicationOp, { params: { code: U.county, id }, token: s.w.token('citizen') });
    expect((read.body as { attachments: { name: string }[] }).attachments.map((a) => a.name)).toEqual(['户口簿.png']);
  });
});

describe('where the pages may send files', () => {
  it('the emulator’s endpoint locally; S3’s virtual-hosted name for the bucket deployed, in China too', () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:4569');
    expect(bucketOrigin()).toBe('http://127.0.0.1:4569');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
    vi.stubEnv('BUCKET_FILES', 'govtiers-files-1');
    vi.stubEnv('AWS_REGION', 'cn-northwest-1');
    expect(bucketOrigin()).toBe('https://govtiers-files-1.s3.cn-northwest-1.amazonaws.com.cn');
    vi.stubEnv('AWS_REGION', 'ap-east-1');
    expect(bucketOrigin()).toBe('https://govtiers-files-1.s3.ap-east-1.amazonaws.com');
    vi.unstubAllEnvs();
  });
});
