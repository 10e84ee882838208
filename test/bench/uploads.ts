import type { Attachment, Purpose } from '../../functions/uploads/attachments';
import type { Api } from './api';

/** A file sent the way a browser sends it: the API's presigned POST, then the form to the bucket. Ready to attach. */
export async function uploaded(api: Api, token: string, unit: string, purpose: Purpose, name: string, type: string): Promise<Attachment> {
  const bytes = Buffer.from(`${name}\n`.repeat(100));
  const up = await api.call<{ key: string; url: string; fields: Record<string, string> }>('POST', `/v1/units/${unit}/uploads`, {
    token,
    body: { purpose, name, type, size: bytes.length },
    expect: 201,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(up.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), 'upload');
  const res = await fetch(up.url, { method: 'POST', body: form });
  if (!res.ok) throw new Error(`the bucket refused the upload: ${res.status} ${await res.text()}`);
  return { key: up.key, name, type, size: bytes.length };
}
