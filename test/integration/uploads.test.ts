import { describe, expect, it } from 'vitest';
import { startUploadOp } from '../../functions/uploads/api';
import { claimAttachments, type Attachment } from '../../functions/uploads/attachments';
import { ApiError } from '../../shared/errors';
import type { Principal } from '../../shared/roles';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { inProcessApi } from '../support/in-process-api';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();

const FUJIAN = '350000000000';
const CANGSHAN = '350104000000'; // 福州市仓山区
const citizen: Principal = { sub: 'uploads-citizen-35', role: 'citizen', unit: FUJIAN };

/**
 * Uploads on the emulators: the presigned POST is sent as a browser sends a form, to the url and fields the API
 * answered. The local S3 (s3rver) takes form uploads but checks neither signature nor policy, so here the claim's own
 * check of the object is what refuses a wrong type or size; the policy's conditions are tested in test/unit/uploads.test.ts.
 */
describe('uploads on the emulators', async () => {
  const deps = await realDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', [FUJIAN, '350100000000', CANGSHAN].map((c) => unitItem(newUnit(c, c, undefined, at))));
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);

  const start = async (body: { name: string; type: string; size: number }) => {
    const res = await api(startUploadOp, { params: { code: CANGSHAN }, body: { purpose: 'application', ...body }, token: await tokens.sign(citizen) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { key: string; url: string; fields: Record<string, string> };
  };
  const send = async (up: { url: string; fields: Record<string, string> }, bytes: Buffer, type: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(up.fields)) form.append(k, v);
    // S3 reads every field before the file; the file goes last.
    form.append('file', new Blob([bytes], { type }), 'upload');
    return fetch(up.url, { method: 'POST', body: form });
  };

  it('a file sent with the presigned POST arrives and is claimed with its type and size', async () => {
    const bytes = Buffer.from('%PDF-1.7\n' + '申请材料'.repeat(500));
    const up = await start({ name: '申请表.pdf', type: 'application/pdf', size: bytes.length });
    const res = await send(up, bytes, 'application/pdf');
    expect(res.status).toBe(204);
    expect(await deps.files.head(up.key)).toEqual({ size: bytes.length, contentType: 'application/pdf' });
    const ref: Attachment = { key: up.key, name: '申请表.pdf', type: 'application/pdf', size: bytes.length };
    expect(await claimAttachments(deps, citizen, CANGSHAN, 'application', [ref])).toEqual([ref]);
  });

  it('a file bigger than declared, which the emulator lets in, is refused at the claim', async () => {
    const up = await start({ name: 'scan.png', type: 'image/png', size: 100 });
    expect((await send(up, Buffer.alloc(5000, 1), 'image/png')).status).toBe(204);
    const claim = claimAttachments(deps, citizen, CANGSHAN, 'application', [{ key: up.key, name: 'scan.png', type: 'image/png', size: 100 }]);
    await expect(claim).rejects.toBeInstanceOf(ApiError);
    await expect(claim).rejects.toMatchObject({ status: 422, fields: [{ path: 'body.attachments.0.size' }] });
  });

  it('a file of another type under the same key is refused at the claim, and a key never sent as missing', async () => {
    const up = await start({ name: 'photo.jpg', type: 'image/jpeg', size: 4 });
    const changed = { ...up, fields: { ...up.fields, 'Content-Type': 'text/html' } };
    expect((await send(changed, Buffer.from('<a/>'), 'text/html')).status).toBe(204);
    const ref = { key: up.key, name: 'photo.jpg', type: 'image/jpeg', size: 4 };
    await expect(claimAttachments(deps, citizen, CANGSHAN, 'application', [ref])).rejects.toMatchObject({
      status: 422,
      fields: [{ path: 'body.attachments.0.type' }],
    });
    const never = await start({ name: 'never.pdf', type: 'application/pdf', size: 10 });
    await expect(
      claimAttachments(deps, citizen, CANGSHAN, 'application', [{ key: never.key, name: 'never.pdf', type: 'application/pdf', size: 10 }]),
    ).rejects.toMatchObject({ status: 422, fields: [{ path: 'body.attachments.0.key' }] });
  });
});
