import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import * as z from '../../shared/zod';
import type { Deps } from '../../shared/deps';
import { ApiError, type FieldError } from '../../shared/errors';
import type { Text } from '../../shared/i18n';
import { prefixOf } from '../../shared/codes';
import type { Principal } from '../../shared/roles';
import type { Scope } from '../../tenants/scope';
import { getUnit } from '../../tenants/units';

/**
 * Files people attach to their records (applications, tickets, disclosure documents, notices), uploaded straight to
 * the bucket with a presigned POST and claimed by the record that uses them. What S3 enforces when the file arrives
 * (its type and its size, from the signed policy) the claim checks again against the object itself, so a file that
 * reached the bucket some other way (or an emulator that ignores policies) is refused there.
 */

const MiB = 1024 * 1024;

/** The formats government work takes: PDF and OFD (GB/T 33190, the national layout format), photos and scans, office files. */
export const FILE_TYPES = {
  'application/pdf': 'PDF',
  'application/ofd': 'OFD',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
} as const;
export type FileType = keyof typeof FILE_TYPES;

export const PURPOSES = ['application', 'ticket', 'document', 'notice'] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * What each purpose accepts. Applications take scans and signed forms, tickets photos of the problem (10 MiB holds a
 * phone photo or a scanned page set); disclosure documents and notices may be long reports with tables (50 and 20 MiB).
 */
export const PURPOSE_RULES: Record<Purpose, { types: readonly FileType[]; maxBytes: number }> = {
  application: { types: ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'], maxBytes: 10 * MiB },
  ticket: { types: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 10 * MiB },
  document: {
    types: [
      'application/pdf',
      'application/ofd',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    maxBytes: 50 * MiB,
  },
  notice: { types: Object.keys(FILE_TYPES) as FileType[], maxBytes: 20 * MiB },
};

/** Attachments one record may hold: enough for an application's supporting documents, few enough to check in one go. */
export const MAX_ATTACHMENTS = 20;

/** How long a presigned POST stays valid: time to pick a file and send it on a slow line, not to pass it around. */
export const UPLOAD_EXPIRES_SECONDS = 600;

/** An uploaded file as a record keeps it: where it is, its name for people, its type and size as checked. */
export const attachmentSchema = z.strictObject({
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  type: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.int().check(z.gte(1)),
});
export type Attachment = z.infer<typeof attachmentSchema>;
export const attachmentsSchema = z.array(attachmentSchema).check(z.maxLength(MAX_ATTACHMENTS));

/**
 * The caller's own folder under a unit. The account id is hashed: it may hold characters a key should not, and the
 * folder says whose it is without spelling the id out in URLs and logs.
 */
export const ownerFolder = (unit: string, principal: Pick<Principal, 'sub'>) =>
  `uploads/${prefixOf(unit)}/${createHash('sha256').update(principal.sub).digest('hex').slice(0, 32)}/`;

/** A file name safe in a key and a URL: letters (any script), digits, dot, dash and underscore; the rest becomes `_`. */
export function safeFileName(name: string): string {
  const safe = [...name.normalize('NFC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '')].slice(-120).join('');
  return safe || 'file';
}

const sizeText = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
const typeRefused = (purpose: Purpose): Text => {
  const list = PURPOSE_RULES[purpose].types.map((t) => FILE_TYPES[t]).join('、');
  return { zh: `此处只接受以下格式：${list}`, en: `only these formats are accepted here: ${list}` };
};
const sizeRefused = (purpose: Purpose): Text => ({
  zh: `文件不能超过 ${sizeText(PURPOSE_RULES[purpose].maxBytes)}`,
  en: `the file must be at most ${sizeText(PURPOSE_RULES[purpose].maxBytes)}`,
});

/** Field errors for a type and size this purpose does not accept (empty when it does). */
function limitErrors(purpose: Purpose, type: string, size: number, path: string): FieldError[] {
  const rule = PURPOSE_RULES[purpose];
  const errors: FieldError[] = [];
  if (!(rule.types as readonly string[]).includes(type)) errors.push({ path: `${path}type`, message: typeRefused(purpose) });
  if (size > rule.maxBytes) errors.push({ path: `${path}size`, message: sizeRefused(purpose) });
  return errors;
}

export interface UploadRequest {
  purpose: Purpose;
  name: string;
  type: string;
  size: number;
}

export interface PresignedUpload {
  key: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/**
 * A presigned POST for one file of the caller's under `unit`: S3 takes it only with the declared type and at most the
 * declared size, at this key, before it expires. Nothing is written: the claim checks the object when a record uses it.
 */
export async function startUpload(deps: Pick<Deps, 'files' | 'now'>, principal: Principal, unit: string, req: UploadRequest): Promise<PresignedUpload> {
  const errors = limitErrors(req.purpose, req.type, req.size, 'body.');
  if (errors.length > 0) throw new ApiError('validation_failed', errors);
  const key = `${ownerFolder(unit, principal)}${ulid(deps.now().getTime())}/${safeFileName(req.name)}`;
  const post = await deps.files.presignPost(key, { contentType: req.type, maxBytes: req.size, expiresSeconds: UPLOAD_EXPIRES_SECONDS });
  return { key, ...post, expiresAt: new Date(deps.now().getTime() + UPLOAD_EXPIRES_SECONDS * 1000).toISOString() };
}

/**
 * `startUpload` for a caller with this scope, at a unit that is there: what the API and the web pages both hand out.
 * Files for a unit that is not there (or suspended) could never be claimed.
 */
export async function startUploadAt(deps: Pick<Deps, 'files' | 'now' | 'store'>, scope: Scope, unit: string, req: UploadRequest): Promise<PresignedUpload> {
  scope.require('uploads:create', unit);
  if ((await getUnit(deps.store, unit)).status !== 'active') throw new ApiError('not_found');
  return startUpload(deps, scope.principal, unit, req);
}

const NOT_YOURS: Text = { zh: '不是您在本单位上传的文件', en: 'is not a file you uploaded for this unit' };
const MISSING: Text = { zh: '文件尚未上传成功，请重新上传', en: 'the file has not arrived; upload it again' };
const NAME_MISMATCH: Text = { zh: '文件名与上传时不一致', en: 'does not match the name the file was uploaded with' };
const MISMATCH: Text = { zh: '与实际上传的文件不一致', en: 'does not match the uploaded file' };
const DUPLICATE: Text = { zh: '同一文件重复附加', en: 'the same file is attached twice' };

/**
 * Checks the files a record is about to hold: each under the caller's own folder at `unit`, there in the bucket,
 * with the name it was uploaded under and the type and size the caller says, which the purpose must accept. Returns
 * them as the record keeps them; any problem is a 400 naming `<path>.<i>.<field>`, or a 422 for files that are not
 * (or not yet) in the bucket. Reads only: the caller writes the record.
 */
export async function claimAttachments(
  deps: Pick<Deps, 'files'>,
  principal: Principal,
  unit: string,
  purpose: Purpose,
  refs: readonly Attachment[],
  path = 'body.attachments',
): Promise<Attachment[]> {
  if (refs.length > MAX_ATTACHMENTS) {
    throw new ApiError('validation_failed', [{ path, message: { zh: `最多 ${MAX_ATTACHMENTS} 个附件`, en: `at most ${MAX_ATTACHMENTS} attachments` } }]);
  }
  const folder = ownerFolder(unit, principal);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  refs.forEach((ref, i) => {
    const at = `${path}.${i}.`;
    const rest = ref.key.startsWith(folder) ? ref.key.slice(folder.length).split('/') : [];
    if (rest.length !== 2 || !rest[0] || !rest[1]) errors.push({ path: `${at}key`, message: NOT_YOURS });
    else if (rest[1] !== safeFileName(ref.name)) errors.push({ path: `${at}name`, message: NAME_MISMATCH });
    if (seen.has(ref.key)) errors.push({ path: `${at}key`, message: DUPLICATE });
    seen.add(ref.key);
    errors.push(...limitErrors(purpose, ref.type, ref.size, at));
  });
  if (errors.length > 0) throw new ApiError('validation_failed', errors);

  const found = await Promise.all(refs.map((ref) => deps.files.head(ref.key)));
  const missing: FieldError[] = [];
  found.forEach((object, i) => {
    const at = `${path}.${i}.`;
    if (!object) missing.push({ path: `${at}key`, message: MISSING });
    else {
      if (object.contentType !== refs[i]!.type) missing.push({ path: `${at}type`, message: MISMATCH });
      if (object.size !== refs[i]!.size) missing.push({ path: `${at}size`, message: MISMATCH });
    }
  });
  if (missing.length > 0) throw new ApiError('unprocessable', missing, { zh: '附件与上传的文件不符', en: 'The attachments do not match the uploaded files' });
  return refs.map(({ key, name, type, size }) => ({ key, name, type, size }));
}

/**
 * How long a download link stays valid: long enough to follow at once on a slow line, short enough that a link copied
 * out of a page (or a log) soon opens nothing for someone the record's checks would have refused.
 */
export const DOWNLOAD_EXPIRES_SECONDS = 300;

/** The path parameter naming one of a record's attachments: its place in the list the record shows, from 0. */
export const attachmentIndexSchema = z.coerce.number().check(z.int(), z.gte(0), z.lt(MAX_ATTACHMENTS));

export const downloadSchema = z.object({ url: z.string(), name: z.string(), type: z.string(), expiresAt: z.string() });
export type Download = z.infer<typeof downloadSchema>;

/**
 * A short-lived GET of attachment `n` of a record the caller has already been allowed to read (each capability's own
 * read check decides who that is), named and typed as it was uploaded. Nothing is written. A place past the list is
 * a 404, as for a record that is not there.
 */
export async function presignDownload(deps: Pick<Deps, 'files' | 'now'>, attachments: readonly Attachment[], n: number): Promise<Download> {
  const file = attachments[n];
  if (!file) throw new ApiError('not_found');
  const url = await deps.files.presignGet(file.key, { fileName: file.name, contentType: file.type, expiresSeconds: DOWNLOAD_EXPIRES_SECONDS });
  return { url, name: file.name, type: file.type, expiresAt: new Date(deps.now().getTime() + DOWNLOAD_EXPIRES_SECONDS * 1000).toISOString() };
}
