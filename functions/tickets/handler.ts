import { apiFunction, route } from '../api-function';
import { ApiError } from '../../shared/errors';
import {
  actOnTicketOp,
  fileTicketOp,
  getTicketAttachmentOp,
  getTicketOp,
  listIncomingOp,
  listLettersOp,
  listTicketsOp,
  mergeTicketOp,
  myTicketsOp,
  publishLetterOp,
  rateTicketOp,
  suggestDuplicatesOp,
  unmergeTicketOp,
} from './api';
import { claimAttachments, presignDownload } from '../uploads/attachments';
import { suggestDuplicates } from './duplicates';
import {
  discovery,
  discoveryOp,
  getRequest,
  getRequestOp,
  listRequests,
  listRequestsOp,
  postRequest,
  postRequestOp,
  registerClient,
  registerClientOp,
  serviceDefinition,
  serviceDefinitionOp,
  services,
  servicesOp,
  token,
  tokenOp,
} from './open311';
import { listPublishedQa, publishLetter } from './mailbox';
import {
  actOnTicket,
  fileTicket,
  listIncoming,
  listMine,
  listUnitTickets,
  locate,
  mergeTicket,
  rateTicket,
  readTicket,
  standing,
  unmergeTicket,
  view,
} from './tickets';

export const routes = [
  route(fileTicketOp, async ({ params, body, scope, principal, deps }) => {
    const p = principal!;
    const filer = p.role === 'citizen' || p.role === 'business';
    // Staff record calls for their own unit; citizens and businesses write to any unit.
    if (!filer) scope!.require('tiers:act', params.code);
    const attachments = body.attachments?.length ? await claimAttachments(deps, p, params.code, 'ticket', body.attachments) : [];
    const { ticket, case: c } = await fileTicket(deps, params.code, { ...body, attachments }, {
      actor: p,
      channel: body.mailbox ? 'mailbox' : filer ? 'online' : 'phone',
    });
    return { status: 201, body: view({ ticket, current: c }, new Set([filer ? 'filer' : 'dispatcher'])) };
  }),
  route(listTicketsOp, async ({ params, query, scope, principal, deps }) => {
    scope!.require('tiers:read', params.code);
    const { limit, cursor, mailbox, ...f } = query;
    const filter = { ...f, ...(mailbox ? { mailbox: mailbox === 'true' } : {}) };
    return { status: 200, body: await listUnitTickets(deps, principal!, params.code, filter, limit, cursor) };
  }),
  route(listIncomingOp, async ({ params, query, scope, deps }) => {
    scope!.require('tiers:read', params.code);
    return { status: 200, body: await listIncoming(deps, params.code, query.limit, query.cursor) };
  }),
  route(myTicketsOp, async ({ params, query, principal, deps }) => {
    return { status: 200, body: await listMine(deps, principal!, params.code, query.limit, query.cursor) };
  }),
  route(getTicketOp, async ({ params, principal, deps }) => {
    return { status: 200, body: await readTicket(deps, principal!, params.code, params.id) };
  }),
  route(getTicketAttachmentOp, async ({ params, principal, deps }) => {
    // Whoever may read the ticket sees its files: the same view, so the same relations decide.
    const t = await readTicket(deps, principal!, params.code, params.id);
    return { status: 200, body: await presignDownload(deps, t.attachments, params.n) };
  }),
  route(actOnTicketOp, async ({ params, body, principal, deps }) => {
    return { status: 200, body: await actOnTicket(deps, principal!, params.code, params.id, body) };
  }),
  route(rateTicketOp, async ({ params, body, principal, deps }) => {
    return { status: 200, body: await rateTicket(deps, principal!, params.code, params.id, body.level, body.comment) };
  }),
  route(suggestDuplicatesOp, async ({ params, principal, deps }) => {
    const l = await locate(deps, params.code, params.id);
    const { relations } = await standing(deps, principal!, l);
    if (relations.size === 0) throw new ApiError('not_found');
    if (!relations.has('dispatcher')) throw new ApiError('forbidden');
    return { status: 200, body: { items: await suggestDuplicates(deps, l.ticket) } };
  }),
  route(mergeTicketOp, async ({ params, body, principal, deps }) => {
    return { status: 200, body: await mergeTicket(deps, principal!, params.code, params.id, body.into) };
  }),
  route(unmergeTicketOp, async ({ params, principal, deps }) => {
    return { status: 200, body: await unmergeTicket(deps, principal!, params.code, params.id) };
  }),
  route(publishLetterOp, async ({ params, body, principal, deps }) => {
    return { status: 201, body: await publishLetter(deps, principal!, params.code, params.id, body) };
  }),
  route(listLettersOp, async ({ params, query, deps }) => {
    return { status: 200, body: await listPublishedQa(deps.store, params.code, query.limit, query.cursor) };
  }),
  route(discoveryOp, async ({ params, deps }) => ({ status: 200, body: await discovery(deps, params.jurisdiction) })),
  route(servicesOp, async ({ params, deps }) => ({ status: 200, body: await services(deps, params.jurisdiction) })),
  route(serviceDefinitionOp, async ({ params, deps }) => ({ status: 200, body: await serviceDefinition(deps, params.jurisdiction, params.service_code) })),
  route(postRequestOp, async ({ params, body, deps }) => ({ status: 201, body: await postRequest(deps, params.jurisdiction, body) })),
  route(tokenOp, async ({ params, deps }) => ({ status: 200, body: await token(deps, params.jurisdiction, params.token) })),
  route(listRequestsOp, async ({ params, query, deps }) => ({ status: 200, body: await listRequests(deps, params.jurisdiction, query) })),
  route(getRequestOp, async ({ params, deps }) => ({ status: 200, body: await getRequest(deps, params.jurisdiction, params.service_request_id) })),
  route(registerClientOp, async ({ params, body, scope, principal, deps }) => {
    scope!.require('unit:provision', params.code);
    return { status: 201, body: await registerClient(deps, principal!, params.code, body.name) };
  }),
];

export const handler = apiFunction(routes);
