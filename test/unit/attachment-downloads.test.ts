import { describe, expect, it } from 'vitest';
import { getApplicationAttachmentOp } from '../../functions/services/api';
import { fileTicketOp, getTicketAttachmentOp } from '../../functions/tickets/api';
import { createDocumentOp, documentRecordAttachmentOp, getDocumentAttachmentOp, publishDocumentOp, withdrawDocumentOp } from '../../functions/disclosure/api';
import { DOWNLOAD_EXPIRES_SECONDS, startUpload, type Attachment, type Purpose } from '../../functions/uploads/attachments';
import type { Principal } from '../../shared/roles';
import { apply, U, withItem, type ServicesWorld } from '../support/services-world';

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
