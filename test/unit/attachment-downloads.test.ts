import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction } from '../../functions/api-function';
import { errorReply, routes as webRoutes } from '../../functions/web/handler';
import { startSession } from '../../functions/web/session';
import { getApplicationAttachmentOp } from '../../functions/services/api';
import { fileTicketOp, getTicketAttachmentOp } from '../../functions/tickets/api';
import { createDocumentOp, documentRecordAttachmentOp, getDocumentAttachmentOp, publishDocumentOp, withdrawDocumentOp } from '../../functions/disclosure/api';
import { DOWNLOAD_EXPIRES_SECONDS, startUpload, type Attachment, type Purpose } from '../../functions/uploads/attachments';
import type { Principal } from '../../shared/roles';
import { httpEvent, lambdaContext } from '../support/events';
import { apply, U, withItem, type ServicesWorld } from '../support/services-world';
import { workbench } from '../support/workbench';

/** A file of `who`'s, in the bucket as the presigned POST would have left it, ready to be claimed by a record at `unit`. */
async function uploaded(w: ServicesWorld, who: Principal, unit: string, purpose: Purpose, name: string, type: string): Promise<Attachment> {
  const body = `${name} 的内容`;
  const size = Buffer.byteLength(body);
  const up = await startUpload(w.deps, who, unit, { purpose, name, type, size });
  await w.deps.files.put(up.key, body, type);
  return { key: up.key, name, type, size };
}

/** What the memory bucket signs into a download link: the key, and the name and type the file is answered with. */
const expectLinkTo = (body: { url: string; name: string; type: string; expiresAt: string }, file: Attachment) => {
  const url = new URL(body.url);
  expect(decodeURIComponent(url.pathname.slice(1))).toBe(file.key);
  expect(Object.fromEntries(url.searchParams)).toEqual({ name: file.name, type: file.type });
  expect(body).toMatchObject({ name: file.name, type: file.type });
  expect(Date.parse(body.expiresAt) - Date.parse('2026-03-02T01:00:00Z')).toBe(DOWNLOAD_EXPIRES_SECONDS * 1000);
};

describe('downloading an attachment: only those who may read the record get a link, and nothing is written', async () => {
  const w = await withItem();
  const staffOf = (unit: string) => w.token(`staff@${unit}`);

  // An application at the county with two files; a ticket at the village with a photo; a county document published
  // with a report, another left a draft, a third withdrawn.
  const form = await uploaded(w, w.people.citizen!, U.county, 'application', '申请表.pdf', 'application/pdf');
  const scan = await uploaded(w, w.people.citizen!, U.county, 'application', '户口簿 扫描.png', 'image/png');
  const a = await apply(w, U.county, 'citizen', { attachments: [form, scan] });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const photo = await uploaded(w, w.people.citizen!, U.village, 'ticket', '路灯.jpg', 'image/jpeg');
  const t = await w.api(fileTicketOp, {
    params: { code: U.village },
    body: { type: 'complaint', category: 'streetlight', text: '一村村口的三盏路灯已经坏了一个星期，晚上一片漆黑。', attachments: [photo] },
    token: w.token('citizen'),
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  const report = await uploaded(w, w.people[`staff@${U.county}`]!, U.county, 'document', '2026年工作报告.pdf', 'application/pdf');
  // Each its own text: a second copy of a published text would be kept as a reference to the first.
  const doc = (title: string, draft = false) =>
    w.api(createDocumentOp, {
      params: { code: U.county },
      body: { title, category: 'policy', writtenOn: '2026-02-26', body: `${title}全文见附件。`, attachments: [report], ...(draft ? { draft } : {}) },
      token: staffOf(U.county),
    });
  const [published, draft, withdrawn] = [await doc('西湖区2026年政府工作报告'), await doc('西湖区2026年春耕方案', true), await doc('西湖区2025年旧办法')];
  for (const d of [published, draft, withdrawn]) expect(d.status, JSON.stringify(d.body)).toBe(201);
  expect(published.body.status).toBe('published');
  const gone = await w.api(withdrawDocumentOp, { params: { code: U.county, id: withdrawn.body.id }, body: { v: withdrawn.body.v, reason: '已废止' }, token: staffOf(U.county) });
  expect(gone.status, JSON.stringify(gone.body)).toBe(200);

  const appFile = (who: string | undefined, n: number | string = 1) =>
    w.api(getApplicationAttachmentOp, { params: { code: U.county, id: a.body.id, n: String(n) }, ...(who ? { token: w.token(who) } : {}) });
  const ticketFile = (who: string) => w.api(getTicketAttachmentOp, { params: { code: U.village, id: t.body.id, n: '0' }, token: w.token(who) });
  const publicFile = (id: string) => w.api(getDocumentAttachmentOp, { params: { code: U.county, id, n: '0' } });
  const recordFile = (id: string, token: string) => w.api(documentRecordAttachmentOp, { params: { code: U.county, id, n: '0' }, token });

  it("an application's: the applicant, the unit's staff and the auditor above; not another citizen, staff elsewhere or anyone unsigned", async () => {
    const before = w.snapshot();
    for (const who of ['citizen', `clerk@${U.county}`, `staff@${U.county}`, `admin@${U.city}`, 'auditor']) {
      const r = await appFile(who);
      expect(r.status, `${who}: ${JSON.stringify(r.body)}`).toBe(200);
      expectLinkTo(r.body, scan);
    }
    expect((await appFile('citizen', 0)).body.name).toBe('申请表.pdf');
    expect((await appFile('citizen2')).status).toBe(404);
    expect((await appFile('business')).status).toBe(404);
    // Staff of a sibling county and of the township below: the county's services are not theirs to read.
    expect((await appFile(`staff@${U.otherCounty}`)).status).toBe(403);
    expect((await appFile(`clerk@${U.township}`)).status).toBe(403);
    expect((await appFile(undefined)).status).toBe(401);
    // A place past the list is as missing as a record that is not there; one that is no number is bad input.
    expect((await appFile('citizen', 2)).status).toBe(404);
    const bad = await appFile('citizen', 'x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['params.n']);
    expect(w.snapshot()).toBe(before);
  });

  it("a ticket's: the filer, the village's staff who dispatch it and the auditor who reads it; not another citizen or another village", async () => {
    const before = w.snapshot();
    for (const who of ['citizen', `staff@${U.village}`, 'auditor']) {
      const r = await ticketFile(who);
      expect(r.status, `${who}: ${JSON.stringify(r.body)}`).toBe(200);
      expectLinkTo(r.body, photo);
    }
    expect((await ticketFile('citizen2')).status).toBe(404);
    expect((await ticketFile(`staff@${U.otherVillage}`)).status).toBe(404);
    expect(w.snapshot()).toBe(before);
  });

  it("a document's: anyone's once published; a draft's or a withdrawn one's only to the publisher's staff and auditors", async () => {
    const before = w.snapshot();
    const open = await publicFile(published.body.id);
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expectLinkTo(open.body, report);
    for (const d of [draft, withdrawn]) {
      expect((await publicFile(d.body.id)).status).toBe(404);
      for (const who of [`staff@${U.county}`, 'auditor']) {
        const r = await recordFile(d.body.id, w.token(who));
        expect(r.status, `${who}: ${JSON.stringify(r.body)}`).toBe(200);
        expectLinkTo(r.body, report);
      }
      expect((await recordFile(d.body.id, staffOf(U.otherCounty))).status).toBe(403);
      expect((await recordFile(d.body.id, w.token('citizen'))).status).toBe(403);
    }
    expect(w.snapshot()).toBe(before);
    // Published later, the draft's file is public too.
    const pub = await w.api(publishDocumentOp, { params: { code: U.county, id: draft.body.id }, body: { v: draft.body.v }, token: staffOf(U.county) });
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect((await publicFile(draft.body.id)).status).toBe(200);
  });
});

describe('the pages link each file through a route that checks the record, then send the browser on', async () => {
  const w = await withItem();
  const wb = await workbench(w);
  const form = await uploaded(w, w.people.citizen!, U.county, 'application', '申请表.pdf', 'application/pdf');
  const a = await apply(w, U.county, 'citizen', { attachments: [form] });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const photo = await uploaded(w, w.people.citizen!, U.village, 'ticket', '路灯.jpg', 'image/jpeg');
  const t = await w.api(fileTicketOp, {
    params: { code: U.village },
    body: { type: 'complaint', category: 'streetlight', text: '一村村口的三盏路灯已经坏了一个星期，晚上一片漆黑。', attachments: [photo] },
    token: w.token('citizen'),
  });
  const report = await uploaded(w, w.people[`staff@${U.county}`]!, U.county, 'document', '工作报告.pdf', 'application/pdf');
  const doc = (title: string, draft = false) =>
    w.api(createDocumentOp, {
      params: { code: U.county },
      body: { title, category: 'policy', writtenOn: '2026-02-26', body: `${title}全文见附件。`, attachments: [report], ...(draft ? { draft } : {}) },
      token: w.token(`staff@${U.county}`),
    });
  const [published, draft] = [await doc('西湖区2026年政府工作报告'), await doc('西湖区2026年春耕方案', true)];
  const FILE = '/work/files/{kind}/{unit}/{id}/{n}';
  const sentTo = (res: { status: number; location?: string | undefined }, file: Attachment) => {
    expect(res.status).toBe(303);
    expect(decodeURIComponent(new URL(res.location!).pathname.slice(1))).toBe(file.key);
  };

  it('the workbench: the application and ticket screens link their files, and the API decides in the reader’s name', async () => {
    const app = `/work/applications/${U.county}/${a.body.id}`;
    const screen = await wb.get('/work/applications/{unit}/{id}', app, `clerk@${U.county}`);
    const link = `/work/files/applications/${U.county}/${a.body.id}/0`;
    expect(screen.html).toContain(`<a href="${link}">申请表.pdf</a>`);
    sentTo(await wb.get(FILE, link, `clerk@${U.county}`), form);
    sentTo(await wb.get(FILE, link, 'auditor'), form);
    const elsewhere = await wb.get(FILE, link, `staff@${U.otherCounty}`);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.location).toBeUndefined();

    const ticket = await wb.get('/work/tickets/{home}/{id}', `/work/tickets/${U.village}/${t.body.id}`, `staff@${U.village}`);
    const photoLink = `/work/files/tickets/${U.village}/${t.body.id}/0`;
    expect(ticket.html).toContain(`<a href="${photoLink}">路灯.jpg</a>`);
    sentTo(await wb.get(FILE, photoLink, `staff@${U.village}`), photo);
    expect((await wb.get(FILE, photoLink, `staff@${U.otherVillage}`)).status).toBe(404);

    sentTo(await wb.get(FILE, `/work/files/documents/${U.county}/${draft.body.id}/0`, `staff@${U.county}`), report);
    for (const bad of [`/work/files/cases/${U.county}/${a.body.id}/0`, `/work/files/applications/${U.county}/${a.body.id}/x`, `/work/files/applications/${U.county}/${a.body.id}/1`]) {
      const res = await wb.get(FILE, bad, `clerk@${U.county}`);
      expect(res.status, bad).toBe(404);
      expect(res.html).toContain('<!doctype html>');
    }
  });

  it('the portal: a published document’s files for anyone, an application’s for its applicant only', async () => {
    const handler = apiFunction(webRoutes, { deps: async () => w.deps, errorReply });
    const get = async (routeKey: string, path: string, params: Record<string, string>, who?: string) => {
      const event = httpEvent({ routeKey, rawPath: path, pathParameters: params, headers: { host: 'gov.example', 'x-forwarded-proto': 'https' } });
      if (who) event.cookies = [(await startSession(w.deps, w.people[who]!, Math.floor(w.deps.now().getTime() / 1000) + 3600, true)).split(';')[0]!];
      const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
      return { status: res.statusCode!, html: String(res.body ?? ''), location: res.headers?.location as string | undefined };
    };
    const file = (kind: string, id: string, who?: string, n = '0') =>
      get('GET /files/{kind}/{code}/{id}/{n}', `/files/${kind}/${U.county}/${id}/${n}`, { kind, code: U.county, id, n }, who);

    const page = await get('GET /documents/{publisher}/{id}', `/documents/${U.county}/${published.body.id}`, { publisher: U.county, id: published.body.id });
    expect(page.html).toContain(`<a href="/files/documents/${U.county}/${published.body.id}/0">工作报告.pdf</a>`);
    sentTo(await file('documents', published.body.id), report);
    expect((await file('documents', draft.body.id)).status).toBe(404);

    const mine = await get('GET /me/applications/{code}/{id}', `/me/applications/${U.county}/${a.body.id}`, { code: U.county, id: a.body.id }, 'citizen');
    expect(mine.html).toContain(`<a href="/files/applications/${U.county}/${a.body.id}/0">申请表.pdf</a>`);
    sentTo(await file('applications', a.body.id, 'citizen'), form);
    expect((await file('applications', a.body.id, 'citizen2')).status).toBe(404);
    expect((await file('applications', a.body.id)).status).toBe(401);
    expect((await file('applications', a.body.id, 'citizen', '-1')).status).toBe(404);
  });
});
