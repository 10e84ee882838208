import type { Reply } from '../../../shared/http/context';
import type { Text } from '../../../shared/i18n';
import type { Operation } from '../../../shared/http/operation';
import { documentRecordAttachmentOp } from '../../disclosure/api';
import { getApplicationAttachmentOp } from '../../services/api';
import { getTicketAttachmentOp } from '../../tickets/api';
import { MAX_ATTACHMENTS, type Attachment } from '../../uploads/attachments';
import { html, type Html } from '../html';
import { redirect, t } from '../page';
import { notFoundPage } from '../pages';
import { must, type Staff } from './shell';

/**
 * Files of the records the workbench shows. A link asks the API for a download link in the reader's name, so the
 * record's own read check decides (personal files reach only those entitled to the record), then sends the browser
 * on to it; the page itself never holds a link that outlives the five minutes.
 */

const L = { attachments: { zh: '材料与附件', en: 'Files' } } satisfies Record<string, Text>;

const OPS = { applications: getApplicationAttachmentOp, tickets: getTicketAttachmentOp, documents: documentRecordAttachmentOp } satisfies Record<string, Operation>;
type FileKind = keyof typeof OPS;

/** A record's files as download links, with their type and size (nothing when it has none). */
export function fileLinks(s: Staff, kind: FileKind, unit: string, id: string, files: readonly Attachment[]): Html | '' {
  if (files.length === 0) return '';
  return html`<h2>${t(s.ctx, L.attachments)}</h2><ul>${files.map(
    (f, n) => html`<li><a href="/work/files/${kind}/${unit}/${id}/${n}">${f.name}</a> (${f.type}, ${f.size} B)</li>`,
  )}</ul>`;
}

/** File `n` of a record: the API's download link for this reader, or its refusal as a page. */
export async function fileDownload(s: Staff, kind: string, unit: string, id: string, place: string): Promise<Reply> {
  const op = Object.hasOwn(OPS, kind) ? OPS[kind as FileKind] : undefined;
  if (!op || !/^\d+$/.test(place) || Number(place) >= MAX_ATTACHMENTS) return notFoundPage(s.ctx);
  const link = await must(s, s.api(op, { params: { code: unit, id, n: place } }));
  return redirect(link.url);
}
