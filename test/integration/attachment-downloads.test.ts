import { describe, expect, it } from 'vitest';
import { startUploadOp } from '../../functions/uploads/api';
import { claimAttachments, presignDownload } from '../../functions/uploads/attachments';
import type { Principal } from '../../shared/roles';
import { newUnit } from '../../tenants/units';
import { unitItem } from '../../tenants/unit';
import { inProcessApi } from '../support/in-process-api';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';
import { testTokens } from '../support/tokens';

useSharedEmulators();

const JIANGSU = '320000000000';
const XUANWU = '320102000000'; // 南京市玄武区
const citizen: Principal = { sub: 'downloads-citizen-32', role: 'citizen', unit: JIANGSU };

/** A download link from the bucket emulator: what a browser gets when it follows the link a record's page shows. */
describe('download links on the emulators', async () => {
  const deps = await realDeps();
  const at = deps.now().toISOString();
  await deps.store.putMany('registry', [JIANGSU, '320100000000', XUANWU].map((c) => unitItem(newUnit(c, c, undefined, at))));
  const tokens = await testTokens();
  const api = await inProcessApi(deps, tokens.verifier);

  it('give back the exact bytes uploaded, as a download with the Chinese name and the type it was uploaded as', async () => {
    // Bytes no text decoding would keep: every byte value, and a PDF header.
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(4096, 0xff)]);
    const name = '身份证 正反面（扫描）.pdf';
    const res = await api(startUploadOp, {
      params: { code: XUANWU },
      body: { purpose: 'application', name, type: 'application/pdf', size: bytes.length },
      token: await tokens.sign(citizen),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const up = res.body as { key: string; url: string; fields: Record<string, string> };
    const form = new FormData();
    for (const [k, v] of Object.entries(up.fields)) form.append(k, v);
    form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'upload');
    expect((await fetch(up.url, { method: 'POST', body: form })).status).toBe(204);
    const [file] = await claimAttachments(deps, citizen, XUANWU, 'application', [{ key: up.key, name, type: 'application/pdf', size: bytes.length }]);

    const link = await presignDownload(deps, [file!], 0);
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('300');
    const got = await fetch(link.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    const disposition = got.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; /);
    const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    expect(utf8 && decodeURIComponent(utf8)).toBe(name);
  });
});
