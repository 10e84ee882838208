import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startUploadOp } from '../../functions/uploads/api';
import { claimAttachments, ownerFolder, presignDownload, safeFileName, startUpload, type Attachment } from '../../functions/uploads/attachments';
import { createS3Files } from '../../shared/aws/s3-files';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { inProcessApi } from '../support/in-process-api';
import { memoryDeps, storeSnapshot } from '../support/memory-deps';
import { testTokens } from '../support/tokens';
import type { MemoryStore } from '../../shared/store/memory-store';

const FUJIAN = '350000000000';
const GULOU = '350102000000'; // 福州市鼓楼区
const TAIJIANG = '350103000000'; // 福州市台江区
const citizen: Principal = { sub: 'citizen-0001', role: 'citizen', unit: FUJIAN };
const other: Principal = { sub: 'citizen-0002', role: 'citizen', unit: FUJIAN };
const pdf = { purpose: 'application', name: '身份证明.pdf', type: 'application/pdf', size: 12_345 } as const;

/** A client that signs with fixed credentials and never goes out: createPresignedPost only computes. */
const signingFiles = () =>
  createS3Files(
    'govtiers-files',
    new S3Client({ region: 'cn-northwest-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, endpoint: 'http://127.0.0.1:9' }),
  );

const decodePolicy = (fields: Record<string, string>) =>
  JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };

describe('the presigned POST', () => {
  const now = new Date('2026-03-02T01:00:00Z');

  it('signs a policy that fixes the key, the type and a size of 1 to the declared bytes, for ten minutes', async () => {
    const files = await signingFiles();
    const up = await startUpload({ files, now: () => now }, citizen, GULOU, pdf);
    const policy = decodePolicy(up.fields);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'govtiers-files' },
        { key: up.key },
        ['eq', '$Content-Type', 'application/pdf'],
        ['content-length-range', 1, 12_345],
      ]),
    );
    expect(up.fields).toMatchObject({ key: up.key, 'Content-Type': 'application/pdf' });
    expect(up.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    // The SDK takes the expiry from the real clock; the answer's from the injected one.
    const lasts = Date.parse(policy.expiration) - Date.now();
    expect(lasts).toBeGreaterThan(540_000);
    expect(lasts).toBeLessThanOrEqual(600_000);
    expect(up.expiresAt).toBe('2026-03-02T01:10:00.000Z');
    expect(up.url).toBe('http://127.0.0.1:9/govtiers-files');
  });

  it('puts each file under its unit and its owner, in a folder of its own, with a name safe in a URL', async () => {
    const { deps } = memoryDeps(() => now);
    const up = await startUpload(deps, citizen, GULOU, pdf);
    expect(up.key).toMatch(/^uploads\/350102\/[0-9a-f]{32}\/[0-9A-HJKMNP-TV-Z]{26}\/身份证明\.pdf$/);
    expect(up.key.startsWith(ownerFolder(GULOU, citizen))).toBe(true);
    expect(ownerFolder(GULOU, citizen)).not.toBe(ownerFolder(GULOU, other));
    expect(ownerFolder(GULOU, citizen)).not.toContain(citizen.sub);
    const again = await startUpload(deps, citizen, GULOU, pdf);
    expect(again.key).not.toBe(up.key);
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileName('营业执照 (副本).jpg')).toBe('营业执照_副本_.jpg');
    expect(safeFileName('...')).toBe('file');
  });
});

describe('the presigned GET', () => {
  it('signs the name (its UTF-8 form for browsers, an ASCII fallback for the rest) and the type into a five-minute link', async () => {
    const files = await signingFiles();
    const file = { key: 'uploads/350102/abc/01KB0000000000000000000001/户口簿_扫描.pdf', name: '户口簿 扫描.pdf', type: 'application/pdf', size: 10 };
    const { url, expiresAt } = await presignDownload({ files, now: () => new Date('2026-03-02T01:00:00Z') }, [file], 0);
    const u = new URL(url);
    expect(`${u.origin}${decodeURIComponent(u.pathname)}`).toBe(`http://127.0.0.1:9/govtiers-files/${file.key}`);
    expect(u.searchParams.get('response-content-disposition')).toBe(`attachment; filename="??? ??.pdf"; filename*=UTF-8''%E6%88%B7%E5%8F%A3%E7%B0%BF%20%E6%89%AB%E6%8F%8F.pdf`);
    expect(u.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(u.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt).toBe('2026-03-02T01:05:00.000Z');
  });
});

describe('POST /v1/units/{code}/uploads', async () => {
  const { deps, objects } = memoryDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', [FUJIAN, '350100000000', GULOU, TAIJIANG].map((c) => unitItem(newUnit(c, c, undefined, at))));
  const staff: Principal = { sub: 'staff-gulou', role: 'staff', unit: GULOU };
  const auditor: Principal = { sub: 'auditor-fj', role: 'auditor', unit: FUJIAN };
  await seedAccounts(deps.store, [staff, auditor]);
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);
  const upload = async (who: Principal, body: unknown, code = GULOU, lang = 'zh-CN') =>
    api(startUploadOp, { params: { code }, body, token: await tokens.sign(who), headers: { 'accept-language': lang } });

  it('answers a citizen and the unit’s staff with a form upload', async () => {
    const res = await upload(citizen, pdf);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.fields.key).toBe(res.body.key);
    expect((await upload(staff, { ...pdf, purpose: 'ticket', type: 'image/jpeg', name: 'photo.jpg' })).status).toBe(201);
  });

  it('refuses a type or size the purpose does not take, in both languages, writing nothing', async () => {
    const before = [storeSnapshot(deps.store as MemoryStore), objects.size];
    const zh = await upload(citizen, { ...pdf, purpose: 'ticket', type: 'application/ofd', size: 11 * 1024 * 1024 });
    expect(zh.status).toBe(400);
    expect(zh.body.error.fields).toEqual([
      { path: 'body.type', message: '此处只接受以下格式：JPEG、PNG、PDF' },
      { path: 'body.size', message: '文件不能超过 10 MiB' },
    ]);
    const en = await upload(citizen, { ...pdf, type: 'application/zip' }, GULOU, 'en');
    expect(en.status).toBe(400);
    expect(en.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.type']);
    expect((await upload(citizen, { ...pdf, size: 0 })).status).toBe(400);
    // A 50 MiB report is a document's limit, not an application's.
    expect((await upload(citizen, { ...pdf, purpose: 'document', size: 50 * 1024 * 1024 })).status).toBe(201);
    const big = await upload(citizen, { ...pdf, size: 50 * 1024 * 1024 }, GULOU, 'en');
    expect(big.body.error.fields).toEqual([{ path: 'body.size', message: 'the file must be at most 10 MiB' }]);
    expect([storeSnapshot(deps.store as MemoryStore), objects.size]).toEqual(before);
  });

  it('refuses auditors, staff of a sibling unit, and units that do not exist', async () => {
    expect((await upload(auditor, pdf)).status).toBe(403);
    expect((await upload(staff, pdf, TAIJIANG)).status).toBe(403);
    expect((await upload(citizen, pdf, '350104000000')).status).toBe(404);
  });
});

describe('claimAttachments', () => {
  const setup = async () => {
    const { deps } = memoryDeps();
    // `stored` stands for what a bucket that ignores the policy (as the local emulator does) might end up holding.
    const put = async (who: Principal, body: string, type = 'application/pdf', name = '材料.pdf', stored = type): Promise<Attachment> => {
      const up = await startUpload(deps, who, GULOU, { purpose: 'application', name, type, size: Buffer.byteLength(body) });
      await deps.files.put(up.key, body, stored);
      return { key: up.key, name, type, size: Buffer.byteLength(body) };
    };
    return { deps, put };
  };
  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    return { status: err.status, fields: err.fields.map((f) => f.path) };
  };

  it('returns the caller’s uploaded files as the record keeps them', async () => {
    const { deps, put } = await setup();
    const refs = [await put(citizen, '%PDF-1.7 one'), await put(citizen, 'png bytes', 'image/png', '照片.png')];
    expect(await claimAttachments(deps, citizen, GULOU, 'application', refs)).toEqual(refs);
  });

  it('refuses another account’s file, another unit’s, a missing one and a duplicate, naming each', async () => {
    const { deps, put } = await setup();
    const mine = await put(citizen, '%PDF mine');
    const theirs = await put(other, '%PDF theirs');
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [mine, theirs]))).toEqual({ status: 400, fields: ['body.attachments.1.key'] });
    expect(await refusal(claimAttachments(deps, citizen, TAIJIANG, 'application', [mine]))).toEqual({ status: 400, fields: ['body.attachments.0.key'] });
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [mine, mine]))).toEqual({ status: 400, fields: ['body.attachments.1.key'] });
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [{ ...mine, name: '别的.pdf' }]))).toEqual({
      status: 400,
      fields: ['body.attachments.0.name'],
    });
    const { key } = await startUpload(deps, citizen, GULOU, pdf);
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [mine, { ...mine, key, name: pdf.name }]))).toEqual({
      status: 422,
      fields: ['body.attachments.1.key'],
    });
  });

  it('refuses an object whose real type or size is not what the record says, or not what the purpose takes', async () => {
    const { deps, put } = await setup();
    const sneaked = await put(citizen, 'MZ executable', 'application/pdf', 'a.pdf', 'application/x-msdownload');
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [sneaked]))).toEqual({
      status: 422,
      fields: ['body.attachments.0.type'],
    });
    const file = await put(citizen, '%PDF-1.7');
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'application', [{ ...file, size: file.size - 1 }]))).toEqual({
      status: 422,
      fields: ['body.attachments.0.size'],
    });
    expect(await refusal(claimAttachments(deps, citizen, GULOU, 'ticket', [{ ...file, type: 'application/ofd' }]))).toEqual({
      status: 400,
      fields: ['body.attachments.0.type'],
    });
    expect((await refusal(claimAttachments(deps, citizen, GULOU, 'application', Array(21).fill(file)))).fields).toEqual(['body.attachments']);
  });
});
