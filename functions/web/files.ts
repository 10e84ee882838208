import { ApiError } from '../../shared/errors';
import type { Reply } from '../../shared/http/context';
import type { Text } from '../../shared/i18n';
import { isUnitCode } from '../../shared/codes';
import { readPublished } from '../disclosure/documents';
import { readApplication } from '../services/applications';
import { FILE_TYPES, MAX_ATTACHMENTS, presignDownload, type Attachment } from '../uploads/attachments';
import { html, type Html } from './html';
import { redirect, t, type PageContext } from './page';
import { notFoundPage, signInFirst } from './pages';

/**
 * Files of records on the portal: a published document's, for anyone, and an application's, for its applicant.
 * Each link is a page route that checks the record as its own page does, then sends the browser on to a
 * five-minute download link, so a link copied from the page opens nothing for someone else.
 */

const L = {
  attachments: { zh: '附件', en: 'Attachments' },
} satisfies Record<string, Text>;

export const FILE_KINDS = ['documents', 'applications'] as const;
type FileKind = (typeof FILE_KINDS)[number];

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** A record's files as a list of download links (nothing when it has none). */
export function fileLinks(ctx: PageContext, kind: FileKind, code: string, id: string, files: readonly Attachment[]): Html | '' {
  if (files.length === 0) return '';
  return html`<h2 id="attached">${t(ctx, L.attachments)}</h2><ul class="items attached" aria-labelledby="attached">${files.map(
    (f, n) => html`<li><a href="/files/${kind}/${code}/${id}/${n}">${f.name}</a><span>${FILE_TYPES[f.type as keyof typeof FILE_TYPES] ?? f.type} · ${sizeText(f.size)}</span></li>`,
  )}</ul>`;
}

const missing = (e: unknown) => e instanceof ApiError && e.status === 404;

/** The download of file `n` of a record, for whoever its page is shown to; a 404 page for anyone else. */
export async function fileDownload(ctx: PageContext, kind: string, code: string, id: string, place: string): Promise<Reply> {
  const n = Number(place);
  if (!(FILE_KINDS as readonly string[]).includes(kind) || !isUnitCode(code) || !ULID.test(id) || !/^\d+$/.test(place) || n >= MAX_ATTACHMENTS) return notFoundPage(ctx);
  if (kind === 'applications' && !ctx.signedIn) return signInFirst(ctx, `/me/applications/${code}/${id}`);
  try {
    const files =
      kind === 'documents'
        ? (await readPublished(ctx.deps.store, code, id)).attachments
        : (await readApplication(ctx.deps, ctx.signedIn!.session.principal, code, id, false)).attachments;
    return redirect((await presignDownload(ctx.deps, files, n)).url);
  } catch (e) {
    if (missing(e)) return notFoundPage(ctx);
    throw e;
  }
}
